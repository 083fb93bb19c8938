# shellcheck shell=bash
# Builds the console bundle (console/ → .local/console-dist, served at /console/) with Vite,
# only when a console source or the lock file is newer than the last build.
build_console() {
  local stamp=.local/console-dist/.build-stamp
  if [ -f "$stamp" ] && [ -z "$(find console package-lock.json -newer "$stamp" -print -quit)" ]; then return 0; fi
  echo "console: building .local/console-dist (vite build)" >&2
  "$ROOT/node_modules/.bin/vite" build --config console/vite.config.ts --logLevel warn >&2 ||
    { echo "console: the build failed (vite errors above)" >&2; return 1; }
  touch "$stamp"
}

# The browser tests drive Debian's Chromium (never a browser download): install it when missing.
# A failed install is not fatal: tests/console then skip with the reason.
ensure_chromium() {
  [ -x /usr/bin/chromium ] && return 0
  echo "console: installing Debian's chromium for the browser tests" >&2
  if [ "$(id -u)" = 0 ]; then apt-get install -y chromium >&2 || echo "console: apt-get install chromium failed; browser tests will skip" >&2
  else sudo -n apt-get install -y chromium >&2 || echo "console: could not install chromium; browser tests will skip" >&2; fi
  return 0
}
