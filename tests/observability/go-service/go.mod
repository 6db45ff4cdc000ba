module github.com/acme/checkout

go 1.22

require (
	go.opentelemetry.io/otel v1.28.0
	go.opentelemetry.io/otel/sdk v1.28.0
	go.uber.org/zap v1.27.0
)

require (
	github.com/prometheus/client_golang v1.19.1 // indirect
	github.com/go-logr/logr v1.4.2 // indirect
)
