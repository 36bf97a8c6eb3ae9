import { useSyncExternalStore } from "react";

const subscribe = () => () => {};

/**
 * False in the pre-rendered HTML and until React has taken over the page, then true.
 *
 * Submit buttons stay disabled until then: a form sent before hydration would be a plain browser
 * GET (the password in the address bar and the server log), and a file picked then never reaches
 * React's state. A disabled default button also blocks submitting with Enter.
 */
export function useHydrated(): boolean {
  return useSyncExternalStore(
    subscribe,
    () => true,
    () => false,
  );
}
