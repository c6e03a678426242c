"""Stories: grouping articles that tell the same story."""

from newsdesk.stories.grouping import StorySettings, group_stories

__all__ = ["StorySettings", "group_stories"]
