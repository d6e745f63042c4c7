"""Repeat a stored draw from its seed and snapshot and compare it with the checks the plan holds.

    python manage.py supervision_draw_again 12

Prints each check as drawn again (entity id and inspectors) and the stored one, and exits with status 1
if they differ. Anyone holding the published seed and the snapshot can repeat the draw the same way
(docs/decisions/0097-random-draws.md).
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from supervision.models import Plan, PlanState
from supervision.services import plan_draw_again


class Command(BaseCommand):
    help = "Repeat a spot-check plan's stored draw and compare it with the checks it holds."

    def add_arguments(self, parser):
        parser.add_argument("plan", type=int, help="the plan's id")

    def handle(self, *args, plan: int, **options):
        try:
            stored_plan = Plan.objects.get(pk=plan)
        except Plan.DoesNotExist:
            raise CommandError(_("No spot-check plan has the id %(id)s.") % {"id": plan}) from None
        if stored_plan.state == PlanState.DRAFT:
            raise CommandError(_("This plan has not been drawn yet."))
        repeated, stored = plan_draw_again(stored_plan)
        self.stdout.write(
            _("Plan %(id)s “%(title)s”: seed %(seed)s, population %(population)d, pool %(pool)d")
            % {
                "id": stored_plan.pk,
                "title": stored_plan.title,
                "seed": stored_plan.seed,
                "population": len(stored_plan.population),
                "pool": len(stored_plan.pool),
            }
        )
        for n, (again, kept) in enumerate(zip(repeated, stored, strict=False), start=1):
            mark = "=" if again == kept else "≠"
            self.stdout.write(
                f"{n:>4} {mark} {again.entity} {list(again.inspectors)}"
                + ("" if again == kept else f"  / {kept.entity} {list(kept.inspectors)}")
            )
        if repeated == stored:
            self.stdout.write(
                self.style.SUCCESS(_("The draw repeats exactly: %(n)d checks.") % {"n": len(stored)})
            )
            return
        self.stderr.write(self.style.ERROR(_("The stored checks differ from the draw repeated.")))
        raise SystemExit(1)
