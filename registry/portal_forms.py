"""Forms of the enterprise portal's account pages: sign-up and colleagues.

Every field carries a label and help text a clerk who has never seen the system can follow; the
checks here are the friendly first pass, the services check again.
"""

import re

from django import forms
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.passwords import password_policy_text
from common import text
from people.models import Employer, Prefecture
from people.services import ALREADY_REGISTERED_MESSAGE
from people.validators import normalize_uscc, validate_uscc

_PHONE_RE = re.compile(r"^[0-9+\- ()（）转]{7,30}$")
_MOBILE_RE = re.compile(r"^1[3-9][0-9]{9}$")


def _validate_phone(value: str) -> None:
    if not _PHONE_RE.fullmatch(value.strip()):
        raise forms.ValidationError(
            _("Enter a telephone number with digits only, e.g. 13904510000 or 0451-86000000."),
            code="phone",
        )


def _validate_mobile(value: str) -> None:
    if not _MOBILE_RE.fullmatch(value.strip()):
        raise forms.ValidationError(
            _("Enter an 11-digit mainland mobile number, e.g. 13904510000."), code="mobile"
        )


class _PasswordPairMixin(forms.Form):
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_policy_text(),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("Type the same password again, to rule out a typing mistake."),
    )

    def _user_for_password_check(self) -> User:
        raise NotImplementedError

    def clean_username(self) -> str:
        username = self.cleaned_data["username"].strip()
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(
                _("This username is taken; choose another one, e.g. add your initials or a number."),
                code="username_taken",
            )
        return username

    def clean(self):
        cleaned = super().clean()
        p1, p2 = cleaned.get("password1"), cleaned.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("The two passwords differ; type them again."))
        elif p1:
            try:
                password_validation.validate_password(p1, self._user_for_password_check())
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class EmployerSignUpForm(_PasswordPairMixin):
    uscc = forms.CharField(
        label=_("Unified social credit code"),
        max_length=18,
        min_length=18,
        help_text=_(
            "The 18 characters on your business licence (营业执照), e.g. 91230100MA1B2C3D4E. "
            "Letters may be typed in lower case."
        ),
    )
    name = forms.CharField(
        label=_("Employer name"),
        max_length=200,
        validators=[text.single_line],
        help_text=_("The full name exactly as on the business licence."),
    )
    prefecture = forms.ChoiceField(
        label=_("Prefecture"),
        choices=[("", _("— choose —")), *Prefecture.choices],
        help_text=_("Where the employer is registered."),
    )
    address = forms.CharField(label=_("Address"), max_length=300, validators=[text.single_line])
    contact_name = forms.CharField(
        label=_("Contact person"),
        max_length=50,
        validators=[text.single_line],
        help_text=_("The person the association calls about your applications; usually you."),
    )
    contact_phone = text.CodeField(
        label=_("Contact phone"),
        max_length=30,
        validators=[_validate_phone],
        help_text=_("A mobile number or a landline with area code, e.g. 0451-86000000."),
    )
    contact_email = forms.EmailField(label=_("Contact e-mail"))
    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        help_text=_("You log in with it. Letters, digits and @ . + - _ only, e.g. hrb_wang."),
        validators=[User.username_validator],
    )
    declaration = forms.BooleanField(
        label=_(
            "We declare that our employer is not an authorised metrological verification institution "
            "(未被授权计量检定机构), and that everything above is true."
        ),
        error_messages={
            "required": _(
                "Tick the declaration. Staff of an authorised metrological verification institution "
                "cannot register under this pilot."
            )
        },
    )

    field_order = [
        "uscc",
        "name",
        "prefecture",
        "address",
        "contact_name",
        "contact_phone",
        "contact_email",
        "username",
        "password1",
        "password2",
        "declaration",
    ]

    def clean_uscc(self) -> str:
        code = normalize_uscc(self.cleaned_data["uscc"])
        validate_uscc(code)
        if Employer.objects.filter(uscc=code).exists():
            raise forms.ValidationError(ALREADY_REGISTERED_MESSAGE, code="uscc_registered")
        return code

    def _user_for_password_check(self) -> User:
        return User(
            username=self.cleaned_data.get("username", ""),
            first_name=self.cleaned_data.get("contact_name", ""),
            email=self.cleaned_data.get("contact_email", ""),
        )


class ColleagueForm(_PasswordPairMixin):
    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        help_text=_("Your colleague logs in with it. Letters, digits and @ . + - _ only."),
        validators=[User.username_validator],
    )
    name = forms.CharField(
        label=_("Full name"), max_length=150, validators=[text.single_line], help_text=_("E.g. 王建国.")
    )
    phone = text.CodeField(
        label=_("Mobile phone"),
        max_length=11,
        validators=[_validate_mobile],
        help_text=_("11 digits; the association may call this number."),
    )

    field_order = ["username", "name", "phone", "password1", "password2"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["password1"].label = _("Initial password")
        self.fields["password1"].help_text = _(
            "Tell it to your colleague in person; they should change it after their first login. "
            "At least 8 characters, not only digits, not a common password."
        )

    def _user_for_password_check(self) -> User:
        return User(
            username=self.cleaned_data.get("username", ""), first_name=self.cleaned_data.get("name", "")
        )


def add_service_error(form: forms.Form, error: forms.ValidationError, field_map: dict | None = None) -> None:
    """Show a service's ValidationError on the form, next to the field it concerns where there is one."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    field_map = field_map or {}
    for field, errors in error.error_dict.items():
        target = field_map.get(field, field)
        form.add_error(target if target in form.fields else None, errors)


class SheetUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Filled-in spreadsheet"),
        help_text=_("The template saved as .xlsx, or as .csv (UTF-8 or GBK). One row per applicant."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )
