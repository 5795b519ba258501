#!/bin/sh
# The C unit tests of the pure helpers (TAP from build/unit_tests).
exec "${VIGIL_UNIT:?VIGIL_UNIT is not set: run through make test}"
