#!/usr/bin/env bash
# Kaizen in CI: what the GitHub Action (action.yml) and the GitLab CI component
# (templates/kaizen.yml) run. One script for both, so both behave alike and one test
# covers them (tests/integrations.rs, against a fake forge API on loopback).
#
#   kaizen-ci.sh install VERSION DIR   prebuilt binary of a release, else built with cargo
#   kaizen-ci.sh baseline FILE         result.json of the last successful run that recorded one
#   kaizen-ci.sh assess [TARGET]...    assess, gated on the baseline when asked; compare.md
#   kaizen-ci.sh comment FILE          FILE as the pull/merge request's Kaizen comment
#
# The platform is the one the script runs on (GITHUB_ACTIONS or GITLAB_CI) and its API is
# the one that platform names (GITHUB_API_URL, CI_API_V4_URL). Settings (environment):
#
#   KAIZEN_RELEASES      where release archives are: URL/VERSION/kaizen-TRIPLE.tar.xz
#                        [https://github.com/kaizen-dev/kaizen/releases/download]
#   KAIZEN_GIT           the repository to build from when no archive fits
#                        [https://github.com/kaizen-dev/kaizen]
#   KAIZEN_OUT           the report folder [kaizen-report]
#   KAIZEN_BASELINE      the baseline file `assess` reads [kaizen-baseline/result.json]
#   KAIZEN_GATE          empty: no gate; `true`: levels, practices and score; or a list
#                        such as `levels,practices`
#   KAIZEN_ARGS          more arguments for `kaizen assess` (split on spaces)
#   KAIZEN_BASELINE_EVENT  GitHub: the event of the runs that record a baseline [schedule]
#   KAIZEN_BASELINE_BRANCH the branch of the runs that record it [the default branch]
#   KAIZEN_ARTIFACT      GitHub: the artifact holding the baseline [kaizen-baseline]
#   GITHUB_TOKEN         GitHub: actions: read (baseline), pull-requests: write (comment)
#   KAIZEN_GITLAB_TOKEN  GitLab: a token with `api` scope to comment on merge requests (the
#                        job token may read artifacts but not comment)
set -euo pipefail

say() { printf 'kaizen-ci: %s\n' "$*" >&2; }
die() { say "$*"; exit 2; }

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

# The marker of Kaizen's comment, so a later run updates it instead of adding another.
readonly MARKER='<!-- kaizen-ci -->'

platform() {
    if [ "${GITHUB_ACTIONS:-}" = true ]; then echo github
    elif [ "${GITLAB_CI:-}" = true ]; then echo gitlab
    else echo none; fi
}

# curl that keeps the server's answer for the message when the status is an error:
# fetch URL OUT [curl args...]; prints the HTTP status; the body goes to OUT.
fetch() {
    local url=$1 out=$2
    shift 2
    curl -sS -L --retry 3 --retry-delay 2 -H "Expect:" -o "$out" -w "%{http_code}" "$@" "$url"
}

# The first line of an API error body, for a message.
why() { head -c 300 "$1" 2>/dev/null | tr '\n' ' '; }

need() {
    for tool in "$@"; do
        command -v "$tool" >/dev/null || die "$tool is needed (install it in the job's image)"
    done
}

triple() {
    local arch os
    arch=$(uname -m)
    case "$arch" in arm64) arch=aarch64 ;; amd64) arch=x86_64 ;; esac
    case "$(uname -s)" in
        Linux) os=unknown-linux-gnu ;;
        Darwin) os=apple-darwin ;;
        *) os=unknown ;;
    esac
    echo "$arch-$os"
}

cmd_install() {
    local version=${1:?usage: kaizen-ci.sh install VERSION DIR} dir=${2:?usage: kaizen-ci.sh install VERSION DIR}
    if [ -x "$dir/bin/kaizen" ]; then
        say "kaizen $version is already in $dir (cached)"
        return
    fi
    need curl tar
    local releases=${KAIZEN_RELEASES:-https://github.com/kaizen-dev/kaizen/releases/download}
    local name="kaizen-$(triple)"
    local url="$releases/$version/$name.tar.xz"
    local work
    work=$(mktemp -d -p "$WORK")
    local status
    status=$(fetch "$url" "$work/archive.tar.xz" || true)
    if [ "$status" = 200 ]; then
        status=$(fetch "$url.sha256" "$work/archive.sha256" || true)
        [ "$status" = 200 ] || die "$url has no checksum file ($url.sha256: HTTP $status): not installing an unverified binary"
        local expected actual
        expected=$(awk '{print $1; exit}' "$work/archive.sha256")
        actual=$(sha256sum "$work/archive.tar.xz" | awk '{print $1}')
        [ "$expected" = "$actual" ] || die "$url: checksum mismatch (expected $expected, got $actual): not installing it"
        tar -xJf "$work/archive.tar.xz" -C "$work"
        local binary
        binary=$(find "$work" -type f -name kaizen -perm -u+x | head -1)
        [ -n "$binary" ] || die "$url holds no kaizen executable"
        mkdir -p "$dir/bin"
        cp "$binary" "$dir/bin/kaizen"
        say "installed kaizen $version from $url (sha256 $actual)"
        return
    fi
    say "no prebuilt kaizen at $url (HTTP ${status:-none}): building it with cargo"
    command -v cargo >/dev/null || die "no prebuilt kaizen for $version on $(triple), and no cargo to build one: use a release version, or an image with Rust (rust:1)"
    local git=${KAIZEN_GIT:-https://github.com/kaizen-dev/kaizen}
    local pin=(--rev "$version")
    case "$version" in v[0-9]*) pin=(--tag "$version") ;; esac
    cargo install --locked --root "$dir" --git "$git" "${pin[@]}" kaizen
}

github_baseline() {
    local file=$1
    need curl jq unzip
    : "${GITHUB_REPOSITORY:?GITHUB_REPOSITORY is not set}" "${GITHUB_TOKEN:?GITHUB_TOKEN is not set (the workflow needs actions: read)}"
    local api=${GITHUB_API_URL:-https://api.github.com}
    local auth=(-H "Authorization: Bearer $GITHUB_TOKEN" -H "Accept: application/vnd.github+json")
    local work status
    work=$(mktemp -d -p "$WORK")
    # The default branch: from the event when it says (not every event's payload does),
    # else from the API.
    local branch=${KAIZEN_BASELINE_BRANCH:-${GITHUB_DEFAULT_BRANCH:-}}
    if [ -z "$branch" ]; then
        status=$(fetch "$api/repos/$GITHUB_REPOSITORY" "$work/repository.json" "${auth[@]}" || true)
        [ "$status" = 200 ] && branch=$(jq -r '.default_branch // empty' "$work/repository.json")
        if [ -z "$branch" ]; then
            say "the default branch is unknown (HTTP $status: $(why "$work/repository.json")): taking main"
            branch=main
        fi
    fi
    if [ -n "${GITHUB_OUTPUT:-}" ]; then
        echo "default-branch=$branch" >> "$GITHUB_OUTPUT"
    fi
    local event=${KAIZEN_BASELINE_EVENT:-schedule}
    local artifact=${KAIZEN_ARTIFACT:-kaizen-baseline}
    # This workflow's file: owner/repo/.github/workflows/maturity.yml@refs/heads/main.
    local workflow=${GITHUB_WORKFLOW_REF:?GITHUB_WORKFLOW_REF is not set}
    workflow=${workflow%%@*}
    workflow=${workflow##*/}
    status=$(fetch "$api/repos/$GITHUB_REPOSITORY/actions/workflows/$workflow/runs?branch=$branch&event=$event&status=success&per_page=1" \
        "$work/runs.json" "${auth[@]}" || true)
    if [ "$status" != 200 ]; then
        say "no baseline: listing the runs of $workflow failed (HTTP $status: $(why "$work/runs.json"))"
        return
    fi
    local run
    run=$(jq -r '.workflow_runs[0].id // empty' "$work/runs.json")
    if [ -z "$run" ]; then
        say "no baseline yet: no successful $event run of $workflow on $branch"
        return
    fi
    status=$(fetch "$api/repos/$GITHUB_REPOSITORY/actions/runs/$run/artifacts?name=$artifact" "$work/artifacts.json" "${auth[@]}" || true)
    [ "$status" = 200 ] || { say "no baseline: listing the artifacts of run $run failed (HTTP $status: $(why "$work/artifacts.json"))"; return; }
    local zip
    zip=$(jq -r '[.artifacts[] | select(.expired | not)][0].archive_download_url // empty' "$work/artifacts.json")
    if [ -z "$zip" ]; then
        say "no baseline: run $run has no $artifact artifact (expired, or not recorded)"
        return
    fi
    status=$(fetch "$zip" "$work/artifact.zip" "${auth[@]}" || true)
    [ "$status" = 200 ] || { say "no baseline: downloading $artifact of run $run failed (HTTP $status: $(why "$work/artifact.zip"))"; return; }
    unzip -q -o "$work/artifact.zip" -d "$work/artifact" || { say "no baseline: $artifact of run $run is not a zip archive"; return; }
    local result
    result=$(find "$work/artifact" -name result.json | head -1)
    [ -n "$result" ] || { say "no baseline: $artifact of run $run holds no result.json"; return; }
    mkdir -p "$(dirname "$file")"
    cp "$result" "$file"
    say "baseline: result.json of run $run ($event on $branch)"
}

gitlab_baseline() {
    local file=$1
    need curl
    : "${CI_API_V4_URL:?CI_API_V4_URL is not set}" "${CI_PROJECT_ID:?CI_PROJECT_ID is not set}"
    local branch=${KAIZEN_BASELINE_BRANCH:-${CI_DEFAULT_BRANCH:-main}}
    local job=${KAIZEN_BASELINE_JOB:-${CI_JOB_NAME:-kaizen}}
    local out=${KAIZEN_OUT:-kaizen-report}
    local work status
    work=$(mktemp -d -p "$WORK")
    local auth=(-H "JOB-TOKEN: ${CI_JOB_TOKEN:-}")
    [ -n "${KAIZEN_GITLAB_TOKEN:-}" ] && auth=(-H "PRIVATE-TOKEN: $KAIZEN_GITLAB_TOKEN")
    status=$(fetch "$CI_API_V4_URL/projects/$CI_PROJECT_ID/jobs/artifacts/$branch/raw/$out/result.json?job=$job" \
        "$work/result.json" "${auth[@]}" || true)
    case "$status" in
        200)
            mkdir -p "$(dirname "$file")"
            cp "$work/result.json" "$file"
            say "baseline: result.json of the last successful $job job on $branch"
            ;;
        404) say "no baseline yet: no successful $job job on $branch kept $out/result.json" ;;
        *) say "no baseline: the job artifacts API answered HTTP $status: $(why "$work/result.json")" ;;
    esac
}

cmd_baseline() {
    local file=${1:-${KAIZEN_BASELINE:-kaizen-baseline/result.json}}
    case "$(platform)" in
        github) github_baseline "$file" ;;
        gitlab) gitlab_baseline "$file" ;;
        *) die "neither GitHub Actions nor GitLab CI (GITHUB_ACTIONS, GITLAB_CI): no baseline to find" ;;
    esac
}

cmd_assess() {
    need kaizen
    local out=${KAIZEN_OUT:-kaizen-report} baseline=${KAIZEN_BASELINE:-kaizen-baseline/result.json}
    local args=(assess --out "$out" --format json,md,html,sarif)
    [ $# -gt 0 ] && args+=("$@") || args+=(.)
    if [ -s "$baseline" ]; then
        args+=(--baseline "$baseline")
        case "${KAIZEN_GATE:-}" in
            "" | false) ;;
            true) args+=(--fail-on-regression) ;;
            *) args+=("--fail-on-regression=$KAIZEN_GATE") ;;
        esac
    elif [ -n "${KAIZEN_GATE:-}" ] && [ "$KAIZEN_GATE" != false ]; then
        say "no baseline: the regression gate is off for this run"
    fi
    # shellcheck disable=SC2206 # KAIZEN_ARGS is a list of words on purpose.
    [ -n "${KAIZEN_ARGS:-}" ] && args+=(${KAIZEN_ARGS})
    say "kaizen ${args[*]}"
    local code=0
    kaizen "${args[@]}" || code=$?
    if [ "$code" -ne 0 ] && [ "$code" -ne 1 ]; then
        return "$code"
    fi
    # What a reviewer reads: what moved since the baseline, else the report.
    if [ -s "$baseline" ]; then
        kaizen compare "$baseline" "$out/result.json" --format md > "$out/compare.md"
    else
        cp "$out/report.md" "$out/compare.md"
    fi
    if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
        cat "$out/compare.md" >> "$GITHUB_STEP_SUMMARY"
    fi
    return "$code"
}

# A comment body: the marker, then FILE cut to what the forges accept (GitHub: 65,536
# characters).
body() {
    local file=$1 limit=60000
    printf '%s\n' "$MARKER"
    if [ "$(wc -c < "$file")" -gt "$limit" ]; then
        head -c "$limit" "$file"
        printf '\n\n(cut: the whole comparison is in the job'"'"'s kaizen-report artifact)\n'
    else
        cat "$file"
    fi
}

github_comment() {
    local file=$1
    need curl jq
    local number=${KAIZEN_PULL_REQUEST:-}
    if [ -z "$number" ] && [ -n "${GITHUB_EVENT_PATH:-}" ] && [ -f "$GITHUB_EVENT_PATH" ]; then
        number=$(jq -r '.pull_request.number // empty' "$GITHUB_EVENT_PATH")
    fi
    [ -n "$number" ] || { say "not a pull request: no comment"; return; }
    : "${GITHUB_TOKEN:?GITHUB_TOKEN is not set (the workflow needs pull-requests: write)}"
    local api=${GITHUB_API_URL:-https://api.github.com}
    local auth=(-H "Authorization: Bearer $GITHUB_TOKEN" -H "Accept: application/vnd.github+json")
    local work status
    work=$(mktemp -d -p "$WORK")
    body "$file" | jq -Rs '{body: .}' > "$work/body.json"
    status=$(fetch "$api/repos/$GITHUB_REPOSITORY/issues/$number/comments?per_page=100" "$work/comments.json" "${auth[@]}" || true)
    local existing=""
    if [ "$status" = 200 ]; then
        existing=$(jq -r --arg m "$MARKER" '[.[] | select(.body | startswith($m))][0].id // empty' "$work/comments.json")
    fi
    if [ -n "$existing" ]; then
        status=$(fetch "$api/repos/$GITHUB_REPOSITORY/issues/comments/$existing" "$work/answer.json" "${auth[@]}" \
            -X PATCH --data-binary "@$work/body.json" || true)
    else
        status=$(fetch "$api/repos/$GITHUB_REPOSITORY/issues/$number/comments" "$work/answer.json" "${auth[@]}" \
            -X POST --data-binary "@$work/body.json" || true)
    fi
    case "$status" in
        200 | 201) say "commented on pull request #$number" ;;
        *) say "could not comment on pull request #$number (HTTP $status: $(why "$work/answer.json"))" ;;
    esac
}

gitlab_comment() {
    local file=$1
    local mr=${CI_MERGE_REQUEST_IID:-}
    [ -n "$mr" ] || { say "not a merge request pipeline: no comment"; return; }
    if [ -z "${KAIZEN_GITLAB_TOKEN:-}" ]; then
        say "no comment on !$mr: set KAIZEN_GITLAB_TOKEN (a token with api scope) to have one"
        return
    fi
    need curl
    local api="$CI_API_V4_URL/projects/$CI_PROJECT_ID/merge_requests/$mr/notes"
    local auth=(-H "PRIVATE-TOKEN: $KAIZEN_GITLAB_TOKEN")
    local work status existing=""
    work=$(mktemp -d -p "$WORK")
    body "$file" > "$work/body.md"
    status=$(fetch "$api?per_page=100&sort=asc" "$work/notes.json" "${auth[@]}" || true)
    if [ "$status" = 200 ] && command -v jq >/dev/null; then
        existing=$(jq -r --arg m "$MARKER" '[.[] | select(.body | startswith($m))][0].id // empty' "$work/notes.json")
    fi
    if [ -n "$existing" ]; then
        status=$(fetch "$api/$existing" "$work/answer.json" "${auth[@]}" -X PUT --data-urlencode "body@$work/body.md" || true)
    else
        status=$(fetch "$api" "$work/answer.json" "${auth[@]}" -X POST --data-urlencode "body@$work/body.md" || true)
    fi
    case "$status" in
        200 | 201) say "commented on merge request !$mr" ;;
        *) say "could not comment on merge request !$mr (HTTP $status: $(why "$work/answer.json"))" ;;
    esac
}

cmd_comment() {
    local file=${1:-${KAIZEN_OUT:-kaizen-report}/compare.md}
    [ -s "$file" ] || { say "nothing to comment: $file is missing or empty"; return; }
    case "$(platform)" in
        github) github_comment "$file" ;;
        gitlab) gitlab_comment "$file" ;;
        *) say "neither GitHub Actions nor GitLab CI: no comment" ;;
    esac
}

command=${1:-}
shift || true
case "$command" in
    install) cmd_install "$@" ;;
    baseline) cmd_baseline "$@" ;;
    assess) cmd_assess "$@" ;;
    comment) cmd_comment "$@" ;;
    *) die "usage: kaizen-ci.sh install VERSION DIR | baseline [FILE] | assess [TARGET]... | comment [FILE]" ;;
esac
