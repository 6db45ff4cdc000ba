#!/usr/bin/env bash
# Generates an organisation of N small repositories for benchmarks:
#
#   scripts/gen-org.sh DIR N
#
# DIR/repo-0001 … DIR/repo-NNNN, each a git repository with 16 commits over the last hundred days
# (two of them merges of pull requests, a tag per release), a GitHub Actions workflow, a
# Dockerfile, Terraform, Kubernetes manifests, docker-compose, a Python service with
# Prometheus metrics and health checks, Dependabot and a security policy. One repository
# is built with git, then copied, each copy given its own README and a commit of its own,
# so that every repository has distinct content and history at little cost.
set -euo pipefail
dir="$1"
count="$2"
mkdir -p "$dir"
template="$dir/.template"

git_at() { # git_at SECONDS ARGS...: git as one developer at a fixed time
    local when="$1"
    shift
    GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null \
        GIT_AUTHOR_NAME=Dev GIT_AUTHOR_EMAIL=dev@example.com GIT_COMMITTER_NAME=Dev GIT_COMMITTER_EMAIL=dev@example.com \
        GIT_AUTHOR_DATE="@$when +0000" GIT_COMMITTER_DATE="@$when +0000" git "$@"
}

if [[ ! -d "$template/.git" ]]; then
    rm -rf "$template"
    mkdir -p "$template"/{.github/workflows,infra,k8s,src}
    cd "$template"
    cat >.github/workflows/ci.yml <<'EOF'
name: ci
on:
  push:
    branches: [main]
  pull_request:
permissions:
  contents: read
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@b4ffde65f46336ab88eb53be808477a3936bae11
      - uses: actions/setup-python@v5
        with:
          python-version: "3.12"
          cache: pip
      - run: pip install -r requirements.txt
      - run: ruff check .
      - run: pytest -q
      - uses: aquasecurity/trivy-action@0.24.0
        with:
          scan-type: fs
  deploy:
    needs: test
    if: github.ref == 'refs/heads/main'
    runs-on: ubuntu-latest
    environment: production
    steps:
      - uses: actions/checkout@b4ffde65f46336ab88eb53be808477a3936bae11
      - run: terraform -chdir=infra init && terraform -chdir=infra apply -auto-approve
EOF
    cat >.github/dependabot.yml <<'EOF'
version: 2
updates:
  - package-ecosystem: pip
    directory: /
    schedule:
      interval: weekly
EOF
    cat >Dockerfile <<'EOF'
FROM python:3.12-slim@sha256:2be8daddbb82756f7d1f2c7ece706aadcb284bf6ab6d769ea695cc3ed6016743
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY src/ src/
USER 1000
HEALTHCHECK CMD curl -f http://localhost:8000/healthz || exit 1
CMD ["python", "-m", "src.main"]
EOF
    cat >infra/main.tf <<'EOF'
terraform {
  required_version = ">= 1.6"
  backend "s3" {
    bucket = "example-terraform-state"
    key    = "service/terraform.tfstate"
    region = "eu-west-1"
  }
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.0"
    }
  }
}

resource "aws_s3_bucket" "data" {
  bucket = "example-service-data"
}

resource "aws_cloudwatch_metric_alarm" "errors" {
  alarm_name          = "service-errors"
  comparison_operator = "GreaterThanThreshold"
  evaluation_periods  = 1
  metric_name         = "Errors"
  namespace           = "AWS/Lambda"
  period              = 60
  statistic           = "Sum"
  threshold           = 1
}
EOF
    cat >k8s/deployment.yaml <<'EOF'
apiVersion: apps/v1
kind: Deployment
metadata:
  name: service
spec:
  replicas: 3
  selector:
    matchLabels:
      app: service
  template:
    metadata:
      labels:
        app: service
    spec:
      containers:
        - name: service
          image: example/service:1.0.0
          resources:
            limits:
              memory: 256Mi
          livenessProbe:
            httpGet:
              path: /healthz
              port: 8000
          readinessProbe:
            httpGet:
              path: /readyz
              port: 8000
---
apiVersion: v1
kind: Service
metadata:
  name: service
spec:
  selector:
    app: service
  ports:
    - port: 80
      targetPort: 8000
EOF
    cat >docker-compose.yml <<'EOF'
services:
  app:
    build: .
    ports: ["8000:8000"]
  prometheus:
    image: prom/prometheus:v2.53.0
EOF
    cat >requirements.txt <<'EOF'
fastapi==0.115.0
prometheus-client==0.20.0
structlog==24.4.0
opentelemetry-sdk==1.27.0
EOF
    cat >src/main.py <<'EOF'
import structlog
from fastapi import FastAPI
from prometheus_client import Counter, make_asgi_app

log = structlog.get_logger()
app = FastAPI()
app.mount("/metrics", make_asgi_app())
REQUESTS = Counter("requests_total", "Requests served")


@app.get("/healthz")
def healthz():
    return {"ok": True}


@app.get("/")
def index():
    REQUESTS.inc()
    log.info("served")
    return {"hello": "world"}
EOF
    printf '# Security policy\n\nReport vulnerabilities to security@example.com.\n' >SECURITY.md
    printf '* @example/platform\n' >CODEOWNERS
    printf '# service\n' >README.md
    start=$(($(date +%s) - 100 * 86400))
    git_at $start init -q -b main
    git_at $start add .
    git_at $start commit -q -m "Initial service"
    for i in $(seq 1 10); do
        when=$((start + i * 8 * 86400))
        if ((i % 4 == 0)); then
            git_at $when checkout -q -b "feature-$i"
            printf 'change %s\n' "$i" >>src/CHANGES
            git_at $when add src/CHANGES
            git_at $when commit -q -m "Change $i"
            git_at $((when + 3600)) checkout -q main
            git_at $((when + 3600)) merge -q --no-ff "feature-$i" -m "Merge pull request #$i from example/feature-$i"
        else
            printf 'change %s\n' "$i" >>src/CHANGES
            git_at $when add src/CHANGES
            git_at $when commit -q -m "Change $i"
        fi
        if ((i % 3 == 0)); then
            git_at $when tag -a "v1.$i.0" -m "Release 1.$i.0"
        fi
    done
    git_at $((start + 90 * 86400)) gc -q
    cd - >/dev/null
fi

for i in $(seq 1 "$count"); do
    repo="$dir/$(printf 'repo-%04d' "$i")"
    [[ -d "$repo" ]] && continue
    cp -a "$template" "$repo"
    printf '# service %s\n' "$i" >"$repo/README.md"
    git_at $(($(date +%s) - 5 * 86400)) -C "$repo" commit -q -am "Name service $i"
done
