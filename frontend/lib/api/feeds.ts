// Podcast feeds: named calls for the feeds page (components never spell endpoint strings).
import { api, unwrap } from "./client";
import type { components } from "./schema";

type S = components["schemas"];

export type Feed = S["FeedPublic"];
export type FeedEpisode = S["FeedEpisodePublic"];
export type FeedRecipe = S["FeedRecipe"];
export type FeedImported = S["FeedImported"];
export type RenderOptions = S["RenderOptions"];
export type PlatformKey = S["PlatformKey"];

const feedPath = (feedId: string) => ({ params: { path: { feed_id: feedId } } });

export function listFeeds(): Promise<Feed[]> {
  return unwrap(api.GET("/api/feeds"));
}

export function addFeed(url: string): Promise<Feed> {
  return unwrap(api.POST("/api/feeds", { body: { url } }));
}

export function refreshFeed(feedId: string): Promise<Feed> {
  return unwrap(api.POST("/api/feeds/{feed_id}/refresh", feedPath(feedId)));
}

export function deleteFeed(feedId: string): Promise<unknown> {
  return unwrap(api.DELETE("/api/feeds/{feed_id}", feedPath(feedId)));
}

export function listEpisodes(feedId: string): Promise<FeedEpisode[]> {
  return unwrap(api.GET("/api/feeds/{feed_id}/episodes", feedPath(feedId)));
}

/** Import the given episodes, or every one not yet imported when ``episodeIds`` is null. */
export function importEpisodes(feedId: string, episodeIds: string[] | null): Promise<FeedImported> {
  return unwrap(api.POST("/api/feeds/{feed_id}/import", { ...feedPath(feedId), body: { episode_ids: episodeIds } }));
}

export function setAutoImport(feedId: string, autoImport: boolean, recipe: FeedRecipe): Promise<Feed> {
  return unwrap(api.PATCH("/api/feeds/{feed_id}", { ...feedPath(feedId), body: { auto_import: autoImport, recipe } }));
}

export function renderOptions(): Promise<RenderOptions> {
  return unwrap(api.GET("/api/render/options"));
}
