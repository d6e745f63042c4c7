#!/usr/bin/env bash
# Restore a backup made by scripts/backup.sh into a database and a private storage directory, and prove it.
#
#   scripts/restore.sh [--force] [--jobs N] BACKUP_DIR DATABASE_NAME STORAGE_DIR
#
# DATABASE_URL (or the PG* variables) says which server and as whom; its database name is replaced by
# DATABASE_NAME. The registry's other variables (DJANGO_SETTINGS_MODULE, the secrets) must be those of the
# installation the backup came from: the field-encryption keys in particular (README, "Secrets").
#
#  1. Checks every archive against SHA256SUMS before touching anything; a damaged backup changes nothing.
#  2. Refuses a database that has tables, or a storage directory that is not empty, unless --force: then
#     the database is dropped (its connections ended) and created again, and the storage directory is
#     moved aside to STORAGE_DIR.before-restore-<timestamp> (delete it once the restore is accepted).
#  3. pg_restore (--no-owner --no-privileges: objects belong to the restoring role), then untar storage.
#  4. Confirms the schema: the applied migrations equal the backup's, `manage.py migrate --check` says
#     whether this checkout's code has migrations the backup lacks, and none is unknown to the code.
#  5. `manage.py stored_files --verify`: every file the restored database names exists and equals the
#     checksum the backup recorded.
#  6. Prints every table's row count beside the backup's.
# Exit status: 0 restored and verified; 1 verification failed; 2 refused (usage, checksums, not empty);
# 3 restored and verified, but the code expects migrations the backup lacks (run `manage.py migrate`).
set -euo pipefail

usage() {
    echo "usage: $0 [--force] [--jobs N] BACKUP_DIR DATABASE_NAME STORAGE_DIR" >&2
    exit 2
}
fail() {
    echo "restore: $*" >&2
    exit 2
}

force=0
jobs=${RESTORE_JOBS:-2}
positional=()
while (($#)); do
    case $1 in
    --force)
        force=1
        shift
        ;;
    --jobs)
        (($# >= 2)) || usage
        jobs=$2
        shift 2
        ;;
    -*) usage ;;
    *)
        positional+=("$1")
        shift
        ;;
    esac
done
((${#positional[@]} == 3)) || usage
backup=${positional[0]}
target=${positional[1]}
storage=${positional[2]}
[[ $jobs =~ ^[1-9][0-9]*$ ]] || fail "--jobs needs a positive whole number"
[[ $target =~ ^[a-z_][a-z0-9_]{0,62}$ ]] || fail "database name '$target': lower-case letters, digits and _ only"

app_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
python=${PYTHON:-$app_dir/.venv/bin/python}
started=$(date -u +%s)

# 1. The archives, before anything else.
for file in MANIFEST SHA256SUMS database.dump storage.tar stored-files.tsv; do
    [[ -f $backup/$file ]] || fail "$backup has no $file: not a backup made by scripts/backup.sh"
done
for file in MANIFEST database.dump storage.tar stored-files.tsv; do
    grep -q "  $file\$" "$backup/SHA256SUMS" || fail "$backup/SHA256SUMS does not cover $file"
done
echo "restore: checking the archives' SHA-256 against $backup/SHA256SUMS"
(cd "$backup" && sha256sum --check --strict --quiet SHA256SUMS) || fail "the backup is damaged; nothing was changed"

# The server from DATABASE_URL (or PG*), with the target's name, and the maintenance database beside it.
server_url=${DATABASE_URL:-postgres:///${PGDATABASE:-postgres}}
with_name() {
    "$python" -c 'import sys, urllib.parse as u; p = u.urlsplit(sys.argv[1]); print(u.urlunsplit(p._replace(path="/" + sys.argv[2])))' \
        "$server_url" "$1"
}
target_url=$(with_name "$target")
maintenance_url=$(with_name postgres)
psql_q() { psql "$1" --no-psqlrc --quiet --tuples-only --no-align --set ON_ERROR_STOP=1 "${@:2}"; }

# 2. Refuse, or clear the way: every check first, then every change.
exists=$(psql_q "$maintenance_url" -v name="$target" <<<"select count(*) from pg_database where datname = :'name'")
tables=0
if ((exists)); then
    tables=$(psql_q "$target_url" -c "select count(*) from pg_tables where schemaname = current_schema()")
fi
if ((tables > 0 && !force)); then
    fail "database $target has $tables tables; add --force to drop it and restore in its place"
fi
if [[ -e $storage && ! -d $storage ]]; then
    fail "$storage exists and is not a directory"
fi
if [[ -d $storage && -n $(ls -A "$storage") ]] && ((!force)); then
    fail "$storage is not empty; add --force to move it aside and restore in its place"
fi

if ((tables > 0)); then
    echo "restore: dropping database $target"
    dropdb --maintenance-db="$maintenance_url" --force "$target"
    exists=0
fi
if ((!exists)); then
    createdb --maintenance-db="$maintenance_url" "$target"
fi
if [[ -d $storage && -n $(ls -A "$storage") ]]; then
    aside=$storage.before-restore-$(date -u +%Y%m%dT%H%M%SZ)
    echo "restore: moving the old storage aside to $aside"
    mv -- "$storage" "$aside"
fi

# 3. The data.
echo "restore: restoring the database into $target ($jobs jobs)"
pg_restore --dbname="$target_url" --no-owner --no-privileges --exit-on-error --jobs="$jobs" "$backup/database.dump"
echo "restore: unpacking private storage into $storage"
mkdir -p "$storage"
tar --extract --file="$backup/storage.tar" --directory="$storage"
restored=$(date -u +%s)

export DATABASE_URL=$target_url PRIVATE_STORAGE_ROOT=$storage
status=0

# 4. The schema.
echo "restore: checking the schema"
sed -n '/^migrations:$/,$p' "$backup/MANIFEST" | sed '1d; s/^  //' >"$storage.migrations-backup.$$"
psql_q "$target_url" -c "select app || '.' || name from django_migrations order by app, name" >"$storage.migrations-db.$$"
"$python" "$app_dir/manage.py" showmigrations --list |
    awk '/^[^ ]/ { app = $1 } /^ \[/ { print app "." $NF }' | sort >"$storage.migrations-code.$$"
if ! cmp -s "$storage.migrations-backup.$$" "$storage.migrations-db.$$"; then
    echo "restore: the restored database's migrations differ from the backup's MANIFEST" >&2
    status=1
fi
unknown=$(LC_ALL=C comm -23 <(LC_ALL=C sort "$storage.migrations-db.$$") <(LC_ALL=C sort "$storage.migrations-code.$$"))
rm -f "$storage.migrations-backup.$$" "$storage.migrations-db.$$" "$storage.migrations-code.$$"
if [[ -n $unknown ]]; then
    echo "restore: the backup has migrations this code does not know (made by newer code; check out commit" \
        "$(sed -n 's/^commit: //p' "$backup/MANIFEST")):" >&2
    echo "  ${unknown//$'\n'/$'\n'  }" >&2
    status=1
elif ! "$python" "$app_dir/manage.py" migrate --check >/dev/null; then
    echo "restore: this code has migrations the backup lacks; run: manage.py migrate" >&2
    ((status)) || status=3
else
    echo "restore: schema matches the code ($(sed -n 's/^commit: //p' "$backup/MANIFEST") made the backup)"
fi

# 5. The files.
echo "restore: checking every file the database names"
"$python" "$app_dir/manage.py" stored_files --verify "$backup/stored-files.tsv" || status=1

# 6. The counts, beside the backup's (taken just after its dump: a busy system may have grown meanwhile).
echo "restore: rows per table (backup, restored)"
"$app_dir/scripts/table_counts.sh" | awk -F'\t' '
    NR == FNR { backup[$1] = $2; next }
    { mark = ($1 in backup && backup[$1] == $2) ? "" : "   <- differs"; printf "  %-48s %10s %10s%s\n", $1, backup[$1], $2, mark }
' <(sed -n '/^rows:$/,/^migrations:$/p' "$backup/MANIFEST" | sed '1d;$d; s/^  //') -

echo "restore: restored in $((restored - started)) s, checked in $(($(date -u +%s) - restored)) s; exit status $status"
exit "$status"
