"""Routes: sign-in with opaque, database-backed sessions (see docs/AUTH_SYSTEM.md)."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response, status

from spaceclip.api.deps import AuthDep, DbSession, SettingsDep, client_ip, token_from
from spaceclip.api.responses import errors
from spaceclip.auth.cookies import clear_session_cookie, set_session_cookie
from spaceclip.auth.csrf import check_origin, check_signin_origin
from spaceclip.auth.sessions import (
    IssuedSession,
    list_sessions,
    revoke_all_sessions,
    revoke_session,
)
from spaceclip.auth.signin import ClientInfo, change_password, log_in, log_out, register
from spaceclip.config import Settings
from spaceclip.errors import NotFound
from spaceclip.models.auth_schemas import (
    LoginRequest,
    PasswordChangeRequest,
    RegisterRequest,
    SessionList,
    SessionsRevoked,
    SignedIn,
)
from spaceclip.models.schemas import SessionPublic, UserPublic

router = APIRouter(prefix="/api/auth", tags=["auth"])


def _client(request: Request, settings: Settings) -> ClientInfo:
    return ClientInfo(
        ip=client_ip(request),
        user_agent=request.headers.get("user-agent", ""),
        previous_token=request.cookies.get(settings.session_cookie_name),
    )


def _signed_in(issued: IssuedSession, request: Request, response: Response, settings: Settings) -> SignedIn:
    set_session_cookie(response, request, settings, issued.token, issued.session.expires_at)
    user = UserPublic.model_validate(issued.session.user)
    return SignedIn(user=user, token=issued.token, expires_at=issued.session.expires_at)


@router.post("/register", status_code=status.HTTP_201_CREATED, responses=errors(409, 429))
def post_register(
    body: RegisterRequest, request: Request, response: Response, db: DbSession, settings: SettingsDep
) -> SignedIn:
    """Create an account and sign it in (sets the session cookie, returns the token once)."""
    check_signin_origin(request, settings)
    issued = register(db, settings, body.email, body.password, body.display_name, _client(request, settings))
    return _signed_in(issued, request, response, settings)


@router.post("/login", responses=errors(401, 429))
def post_login(
    body: LoginRequest, request: Request, response: Response, db: DbSession, settings: SettingsDep
) -> SignedIn:
    """Sign in: sets the session cookie and returns the token for `Authorization: Bearer`."""
    check_signin_origin(request, settings)
    issued = log_in(db, settings, body.email, body.password, _client(request, settings))
    return _signed_in(issued, request, response, settings)


@router.post("/logout", status_code=status.HTTP_204_NO_CONTENT)
def post_logout(request: Request, db: DbSession, settings: SettingsDep) -> Response:
    """Sign out this session (the row is deleted and the cookie expired); safe to repeat."""
    token, via_cookie = token_from(request, settings.session_cookie_name)
    if via_cookie:  # also enforced by CsrfGuard; repeated here because logout is unauthenticated
        check_origin(request, settings)
    log_out(db, settings, token)
    response = Response(status_code=status.HTTP_204_NO_CONTENT)
    clear_session_cookie(response, request, settings)
    return response


@router.post("/logout-all")
def post_logout_all(
    auth: AuthDep, request: Request, response: Response, db: DbSession, settings: SettingsDep
) -> SessionsRevoked:
    """Sign out every session of this account, this one included."""
    revoked = revoke_all_sessions(db, auth.user.id)
    clear_session_cookie(response, request, settings)
    return SessionsRevoked(revoked=revoked)


@router.get("/me")
def get_me(auth: AuthDep) -> UserPublic:
    """The signed-in user."""
    return UserPublic.model_validate(auth.user)


@router.get("/sessions")
def get_sessions(auth: AuthDep, db: DbSession, settings: SettingsDep) -> SessionList:
    """This account's live sessions, most recent first; `current` marks the one making the request."""
    rows = list_sessions(db, auth.user.id, settings)
    items = [SessionPublic.model_validate(r).model_copy(update={"current": r.id == auth.session.id}) for r in rows]
    return SessionList(items=items)


@router.delete("/sessions/{session_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_session(session_id: str, auth: AuthDep, request: Request, db: DbSession, settings: SettingsDep) -> Response:
    """Sign out one of this account's sessions (another account's id gives 404)."""
    if not revoke_session(db, session_id, auth.user.id):
        raise NotFound("No such session. It may have been signed out already; reload the list.")
    response = Response(status_code=status.HTTP_204_NO_CONTENT)
    if session_id == auth.session.id:
        clear_session_cookie(response, request, settings)
    return response


@router.post("/password", responses=errors(429))
def post_password(
    body: PasswordChangeRequest,
    auth: AuthDep,
    request: Request,
    response: Response,
    db: DbSession,
    settings: SettingsDep,
) -> SignedIn:
    """Change the password: every other session is signed out and this one gets a new token."""
    session = auth.session
    token = change_password(db, settings, session, body.current_password, body.new_password, client_ip(request))
    return _signed_in(IssuedSession(token=token, session=session), request, response, settings)
