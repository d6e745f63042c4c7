"""An e-mail backend that holds each send until the test opens the gate: makes a race happen on purpose."""

import threading

from django.core.mail.backends.locmem import EmailBackend


class Gate:
    entered = threading.Event()
    release = threading.Event()

    @classmethod
    def reset(cls) -> None:
        cls.entered.clear()
        cls.release.clear()


class GatedEmailBackend(EmailBackend):
    def send_messages(self, messages):
        Gate.entered.set()
        if not Gate.release.wait(timeout=30):
            raise TimeoutError("the test never opened the gate")
        return super().send_messages(messages)
