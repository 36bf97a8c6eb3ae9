"""A clip's post text per platform (``GET /api/clips/{id}/posts``)."""

from __future__ import annotations

from pydantic import BaseModel, Field

__all__ = ["PostTextPublic", "PostsPublic"]


class PostTextPublic(BaseModel):
    platform: str = Field(description="tiktok, instagram, youtube, linkedin or x")
    text: str = Field(description="The whole post to paste: hook, caption, hashtags")
    hook: str
    caption: str
    hashtags: list[str]
    title: str | None = Field(description="The video title, where the platform has one (YouTube)")
    length: int = Field(description="The text's length as the platform counts it")
    limit: int = Field(description="The platform's published limit")
    source: str = Field(description="Where the limit is published")


class PostsPublic(BaseModel):
    posts: list[PostTextPublic]
