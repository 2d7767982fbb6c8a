"""Where each page type may be created (Wagtail's parent_page_types / subpage_types)."""

from wagtail.models import Page
from wagtail.test.utils import WagtailPageTestCase

from events.models import EventIndexPage, EventPage
from institutions.models import AdministrativeUnit, InstitutionIndexPage, InstitutionPage
from portal.models import HomePage, StoryIndexPage, StoryPage


class PageTreeTests(WagtailPageTestCase):
    def test_home_page_holds_the_directory_the_listing_and_the_good_models(self):
        self.assertAllowedSubpageTypes(HomePage, {InstitutionIndexPage, EventIndexPage, StoryIndexPage})

    def test_home_page_only_at_the_root(self):
        self.assertAllowedParentPageTypes(HomePage, {Page})

    def test_institutions_are_created_only_in_the_directory(self):
        self.assertAllowedParentPageTypes(InstitutionPage, {InstitutionIndexPage})
        self.assertCanCreateAt(InstitutionIndexPage, InstitutionPage)
        self.assertCanNotCreateAt(HomePage, InstitutionPage)
        self.assertCanNotCreateAt(InstitutionPage, InstitutionPage)

    def test_the_directory_holds_only_institutions(self):
        self.assertAllowedSubpageTypes(InstitutionIndexPage, {InstitutionPage})

    def test_there_is_one_directory_and_one_listing(self):
        home = HomePage.objects.get()
        # The migrations created both; a second of either cannot be added.
        self.assertFalse(InstitutionIndexPage.can_create_at(home))
        self.assertFalse(EventIndexPage.can_create_at(home))
        self.assertFalse(StoryIndexPage.can_create_at(home))

    def test_events_are_created_only_under_an_institution(self):
        self.assertAllowedParentPageTypes(EventPage, {InstitutionPage})
        self.assertCanCreateAt(InstitutionPage, EventPage)
        self.assertCanNotCreateAt(InstitutionIndexPage, EventPage)
        self.assertCanNotCreateAt(HomePage, EventPage)
        self.assertAllowedSubpageTypes(EventPage, set())

    def test_stories_are_created_only_under_an_institution(self):
        self.assertAllowedParentPageTypes(StoryPage, {InstitutionPage})
        self.assertCanCreateAt(InstitutionPage, StoryPage)
        self.assertCanNotCreateAt(HomePage, StoryPage)
        self.assertCanNotCreateAt(StoryIndexPage, StoryPage)
        self.assertAllowedSubpageTypes(StoryPage, set())

    def test_only_events_and_stories_can_be_created_under_an_institution(self):
        directory = InstitutionIndexPage.objects.get()
        institution = directory.add_child(
            instance=InstitutionPage(
                title="Thư viện",
                slug="thu-vien",
                code="TV",
                kind="library",
                level="district",
                sector="public",
                unit=AdministrativeUnit.objects.for_code("443"),
            )
        )
        creatable = [
            model for model in InstitutionPage.creatable_subpage_models() if model.can_create_at(institution)
        ]
        self.assertEqual(creatable, [EventPage, StoryPage])
