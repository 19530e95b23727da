"""Suite-wide: nothing the product or its tests run may read beside the repository
(see lantern/standalone.py)."""

from lantern import standalone

standalone.install()
