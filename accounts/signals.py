"""Django's sign-in signals, connected in AccountsConfig.ready(); each receiver calls one function."""

from .sign_in import session_start, sign_in_failure_record, sign_in_record, sign_out_record


def on_user_logged_in(sender, request, user, **kwargs) -> None:
    session_start(request=request, user=user)
    sign_in_record(request=request, user=user)


def on_user_login_failed(sender, credentials, request=None, **kwargs) -> None:
    sign_in_failure_record(request=request, credentials=credentials)


def on_user_logged_out(sender, request, user, **kwargs) -> None:
    if user is not None:  # a sign-out without a session is nobody's act
        sign_out_record(request=request, user=user)
