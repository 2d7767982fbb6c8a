"""`manage.py add_staff USERNAME (--institution CODE or --area CODE or --province) [--email] [--password]`."""

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from institutions.models import AdministrativeUnit, InstitutionPage
from institutions.roles import area_group, editors_group, province_group


class Command(BaseCommand):
    help = (
        "Create or update a staff user and put them in an institution's, an area's or the province's group."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        scope = parser.add_mutually_exclusive_group(required=True)
        scope.add_argument("--institution", help="code of the institution the user edits")
        scope.add_argument("--area", help="statistics code of the area the user is an officer of")
        scope.add_argument("--province", action="store_true", help="provincial staff: everything")
        parser.add_argument("--email", default="")
        parser.add_argument("--password", help="set this password (checked by the password validators)")

    @transaction.atomic
    def handle(self, *args, username, institution, area, province, email, password, **options):
        if institution:
            page = InstitutionPage.objects.filter(code=institution).first()
            if page is None:
                raise CommandError(f"No institution has the code {institution}.")
            group = editors_group(page)
        elif area:
            unit = AdministrativeUnit.parse_area(area)
            if unit is None:
                raise CommandError(f"No administrative unit has the code {area}.")
            group = area_group(unit)
        else:
            group = province_group()

        User = get_user_model()
        user, created = User.objects.get_or_create(username=username, defaults={"email": email})
        if email:
            user.email = email
        if password:
            try:
                validate_password(password, user)
            except ValidationError as error:
                raise CommandError(" ".join(error.messages)) from error
            user.set_password(password)
        elif created:
            user.set_unusable_password()
        user.is_active = True
        user.save()
        user.groups.add(group)
        state = "created" if created else "updated"
        self.stdout.write(f"{username} {state}, in the group “{group.name}”.")
        if created and not password:
            self.stdout.write(
                "No password yet: set one with `manage.py changepassword` or the admin's reset link."
            )
