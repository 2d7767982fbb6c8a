"""The portal's models, one module each by what they hold; import them from here.

`targets` is imported by the statistics (`portal.indicators`), which the story pages read: it imports
nothing of this package, so the statistics never import the pages that show them."""

from .home import HomePage
from .stories import StoryIndexPage, StoryInstitution, StoryPage, StoryPageQuerySet
from .targets import Target

__all__ = ["HomePage", "StoryIndexPage", "StoryInstitution", "StoryPage", "StoryPageQuerySet", "Target"]
