package main

import (
	"context"
	"errors"
	"io"
	"time"

	"go.opentelemetry.io/otel/exporters/stdout/stdoutmetric"
	"go.opentelemetry.io/otel/exporters/stdout/stdouttrace"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"

	"github.com/userkit/userkit/kit"
)

// telemetry installs the OpenTelemetry SDK behind -otel: "stdout" exports
// every request's span, and the request metrics every metricInterval, as
// JSON to w. It is the one place of the module that uses the SDK: the
// library itself speaks only the OpenTelemetry API. shutdown flushes what
// is pending.
func telemetry(kind string, w io.Writer, opts *kit.Options) (shutdown func(context.Context) error, err error) {
	if kind == "" {
		return func(context.Context) error { return nil }, nil
	}
	spans, err := stdouttrace.New(stdouttrace.WithWriter(w))
	if err != nil {
		return nil, err
	}
	metrics, err := stdoutmetric.New(stdoutmetric.WithWriter(w))
	if err != nil {
		return nil, err
	}
	tp := sdktrace.NewTracerProvider(sdktrace.WithBatcher(spans))
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(
		sdkmetric.NewPeriodicReader(metrics, sdkmetric.WithInterval(metricInterval))))
	opts.TracerProvider, opts.MeterProvider = tp, mp
	return func(ctx context.Context) error {
		return errors.Join(tp.Shutdown(ctx), mp.Shutdown(ctx))
	}, nil
}

// metricInterval is how often -otel stdout writes the metrics.
const metricInterval = 30 * time.Second
