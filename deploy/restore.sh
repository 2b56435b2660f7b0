#!/usr/bin/env bash
# Restore a backup made by deploy/backup.sh into the database and media folders of RELEVO_ENV.
# Usage: deploy/restore.sh BACKUP_FOLDER
# Stop relevo-web, relevo-worker and relevo-beat first; start them after `manage.py migrate`.
set -euo pipefail

src="${1:?usage: deploy/restore.sh BACKUP_FOLDER}"
env_file="${RELEVO_ENV:-/etc/relevo/relevo.env}"
if [ -f "$env_file" ]; then set -a; . "$env_file"; set +a; fi
: "${DATABASE_URL:?DATABASE_URL is not set}"
(cd "$src" && sha256sum --quiet -c SHA256SUMS)

url="$(echo "$DATABASE_URL" | sed 's|^pgsql://|postgresql://|')"
# --clean --if-exists replaces what is there; one transaction: all or nothing.
pg_restore --clean --if-exists --no-owner --no-privileges --single-transaction \
  --dbname "$url" "$src/relevo.dump"

for dir in MEDIA_ROOT PRIVATE_MEDIA_ROOT; do
  target="${!dir:-}"
  [ -n "$target" ] && [ -d "$src/$dir" ] || continue
  mkdir -p "$target"
  rsync -a --delete "$src/$dir/" "$target/"
done
echo "Restored $src. Now: manage.py migrate, then start the services."
