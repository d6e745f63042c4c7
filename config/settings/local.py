"""A developer's machine: debug pages, console e-mail, in-process Celery unless a broker is given."""

from .base import *
from .base import env

DEBUG = env.bool("DEBUG", default=True)
