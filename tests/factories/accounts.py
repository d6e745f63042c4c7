import factory
from django.contrib.auth.models import Group

from accounts.models import User
from accounts.roles import STAFF_ROLES, sync_roles


def role_group(role) -> Group:
    """The role's group. Transactional tests flush the groups the migration made: make them again."""
    group = Group.objects.filter(name=str(role)).first()
    if group is None:
        sync_roles()
        group = Group.objects.get(name=str(role))
    return group


class UserFactory(factory.django.DjangoModelFactory):
    """`UserFactory(role=Role.X)`: a user in that role's group; staff if the role works in the admin."""

    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "测试"
    last_name = factory.Sequence(lambda n: f"用户{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.django.Password("correct-horse-battery")

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if not create or not extracted:
            return
        self.groups.add(role_group(extracted))
        if extracted in STAFF_ROLES and not self.is_staff:
            self.is_staff = True
            self.save(update_fields=["is_staff"])
