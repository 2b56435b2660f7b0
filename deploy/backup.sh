#!/usr/bin/env bash
# Back up Relevo: the PostgreSQL database (pg_dump custom format) and the media folders.
# Usage: deploy/backup.sh [DESTINATION]   (reads /etc/relevo/relevo.env unless RELEVO_ENV is set)
# Run it from cron or a systemd timer, and copy DESTINATION off the machine.
set -euo pipefail

env_file="${RELEVO_ENV:-/etc/relevo/relevo.env}"
if [ -f "$env_file" ]; then set -a; . "$env_file"; set +a; fi
: "${DATABASE_URL:?DATABASE_URL is not set}"
dest="${1:-/var/backups/relevo}/$(date +%Y%m%d-%H%M%S)"
mkdir -p "$dest"

# One consistent snapshot, compressed, restorable table by table and in parallel.
pg_dump --format=custom --compress=6 --no-owner --no-privileges \
  --file "$dest/relevo.dump" "$(echo "$DATABASE_URL" | sed 's|^pgsql://|postgresql://|')"

if [ -n "${AWS_STORAGE_BUCKET_NAME:-}" ]; then
  # Media live in object storage: rely on bucket versioning and replicate the bucket with the
  # provider's tools (or `rclone sync`); record which bucket this dump belongs to.
  echo "$AWS_STORAGE_BUCKET_NAME" > "$dest/MEDIA_IN_BUCKET"
else
  for dir in MEDIA_ROOT PRIVATE_MEDIA_ROOT; do
    src="${!dir:-}"
    [ -n "$src" ] && [ -d "$src" ] || continue
    # Media files are written once and never changed in place: hard links against the previous
    # backup keep daily copies cheap.
    previous="$(ls -1d "$(dirname "$dest")"/*/ 2>/dev/null | grep -v "$dest" | tail -n1 || true)"
    link=()
    [ -n "$previous" ] && [ -d "$previous/$dir" ] && link=(--link-dest "$previous/$dir")
    rsync -a "${link[@]}" "$src/" "$dest/$dir/"
  done
fi
(cd "$dest" && find . -type f ! -name SHA256SUMS -print0 | sort -z | xargs -0 sha256sum > SHA256SUMS)
echo "$dest"
