#!/usr/bin/env bash
# Back up the registry: the PostgreSQL database, then private storage, into a new timestamped directory.
#
#   scripts/backup.sh [--keep-days N] BACKUP_ROOT
#
# Reads the same environment as the registry's processes (e.g. /etc/registry/registry.env):
#   DATABASE_URL            postgres://user:pass@host:5432/name  (or the PG* variables, PGDATABASE naming it)
#   PRIVATE_STORAGE_ROOT    uploaded materials and generated PDFs   (default: <checkout>/var/private)
#   DJANGO_SETTINGS_MODULE  and the rest, for `manage.py` (the inventory and the migration state)
#   PYTHON                  the registry's interpreter              (default: <checkout>/.venv/bin/python)
#   BACKUP_KEEP_DAYS        retention, like --keep-days             (default: 14)
#
# Writes BACKUP_ROOT/registry-<UTC timestamp>/ with
#   database.dump     pg_dump custom format, --no-owner (restore with scripts/restore.sh or pg_restore)
#   storage.tar       the private storage directory (plain tar: PDFs and photos do not compress)
#   stored-files.tsv  every file the database names with its SHA-256 (`manage.py stored_files`)
#   MANIFEST          when, from where, the code's git commit, the applied migrations, table row counts
#   SHA256SUMS        the SHA-256 of every file above (`sha256sum -c SHA256SUMS` checks them)
# The directory is assembled under a hidden name and renamed when complete, so a directory named
# registry-* is always a whole backup. An existing directory is never overwritten. Then complete backups
# older than the retention are removed; the one just made never is.
#
# Order matters: the database first, the files after. pg_dump reads one consistent snapshot taken when it
# starts; every file a row of that snapshot names was written before its row committed, so it is on disk
# when tar runs later. Files written meanwhile are extra and harmless (no restored row names them). The
# exception is a file removed or rewritten in between: a replaced draft material, withdrawn training
# evidence, a regenerated certificate PDF. restore.sh then reports it by name (docs/operations.md).
set -euo pipefail
umask 077 # the backup holds personal data: readable by its owner only

usage() {
    echo "usage: $0 [--keep-days N] BACKUP_ROOT" >&2
    exit 2
}

keep_days=${BACKUP_KEEP_DAYS:-14}
root=""
while (($#)); do
    case $1 in
    --keep-days)
        (($# >= 2)) || usage
        keep_days=$2
        shift 2
        ;;
    -h | --help) usage ;;
    -*) usage ;;
    *)
        [[ -z $root ]] || usage
        root=$1
        shift
        ;;
    esac
done
[[ -n $root ]] || usage
[[ $keep_days =~ ^[0-9]+$ ]] || {
    echo "backup: --keep-days needs a whole number of days, not '$keep_days'" >&2
    exit 2
}

app_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
python=${PYTHON:-$app_dir/.venv/bin/python}
storage=${PRIVATE_STORAGE_ROOT:-$app_dir/var/private}
# With only PG* variables, libpq (pg_dump, psql, and Django through psycopg) fills in the rest.
export DATABASE_URL=${DATABASE_URL:-postgres:///${PGDATABASE:-}}
export PRIVATE_STORAGE_ROOT=$storage

[[ $DATABASE_URL == postgres://* || $DATABASE_URL == postgresql://* ]] || {
    echo "backup: DATABASE_URL must name a PostgreSQL database" >&2
    exit 2
}
[[ -d $storage ]] || {
    echo "backup: private storage $storage is not a directory" >&2
    exit 2
}
mkdir -p "$root"

started=$(date -u +%s)
name=registry-$(date -u +%Y%m%dT%H%M%SZ)
final=$root/$name
work=$root/.partial-$name
if [[ -e $final || -e $work ]]; then
    echo "backup: $final already exists; refusing to overwrite it" >&2
    exit 1
fi
mkdir "$work"
trap 'rm -rf -- "$work"' EXIT # an unfinished backup leaves nothing that looks like a backup

psql_q() { psql "$DATABASE_URL" --no-psqlrc --quiet --tuples-only --no-align --set ON_ERROR_STOP=1 "$@"; }

echo "backup: dumping the database"
pg_dump --dbname="$DATABASE_URL" --format=custom --no-owner --file="$work/database.dump"

echo "backup: listing the stored files the database names, with checksums"
"$python" "$app_dir/manage.py" stored_files --output "$work/stored-files.tsv"

echo "backup: archiving private storage $storage"
tar --create --file="$work/storage.tar" --directory="$storage" .

{
    echo "format: registry-backup 1"
    echo "created: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "host: $(hostname)"
    echo "database: $(psql_q -c 'select current_database()')"
    echo "server: $(psql_q -c 'show server_version')"
    echo "pg_dump: $(pg_dump --version)"
    echo "storage: $storage"
    echo "commit: $(git -C "$app_dir" rev-parse HEAD 2>/dev/null || echo unknown)"
    echo "stored files: $(wc -l <"$work/stored-files.tsv")"
    echo "rows:"
    "$app_dir/scripts/table_counts.sh" | sed 's/^/  /'
    echo "migrations:"
    psql_q -c "select '  ' || app || '.' || name from django_migrations order by app, name"
} >"$work/MANIFEST"

(cd "$work" && sha256sum database.dump storage.tar stored-files.tsv MANIFEST >SHA256SUMS)
mv "$work" "$final"
trap - EXIT
echo "backup: $final complete in $(($(date -u +%s) - started)) s ($(du -sh "$final" | cut -f1))"

# Retention: names sort by time, so every complete backup named before the cut-off is older than it.
cutoff=registry-$(date -u -d "-$keep_days days" +%Y%m%dT%H%M%SZ)
for old in "$root"/registry-*; do
    [[ -d $old && -f $old/SHA256SUMS ]] || continue
    base=$(basename "$old")
    if [[ $base < $cutoff && $base != "$name" ]]; then
        echo "backup: removing $old (older than $keep_days days)"
        rm -rf -- "$old"
    fi
done
