package main

import (
	"net/http"

	"go.uber.org/zap"
)

func main() {
	logger, _ := zap.NewProduction()
	defer logger.Sync()
	// The readiness route below is what the platform probes.
	http.HandleFunc("/healthz", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusOK) })
	logger.Info("listening", zap.String("addr", ":8080"))
	_ = http.ListenAndServe(":8080", nil)
}
