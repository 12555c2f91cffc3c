// Tracing, on when OTEL_EXPORTER_OTLP_ENDPOINT is set: an OpenTelemetry tracer
// provider that sends spans over OTLP/HTTP, for the service OTEL_SERVICE_NAME
// names (OTEL_RESOURCE_ATTRIBUTES adds to it). Next.js then traces each
// request and route, and stream-video-native each request to Stream, as a
// CLIENT span under the route's span.
export async function register() {
  if (process.env.NEXT_RUNTIME !== 'nodejs' || !process.env.OTEL_EXPORTER_OTLP_ENDPOINT) return
  const { NodeTracerProvider, BatchSpanProcessor } = await import('@opentelemetry/sdk-trace-node')
  const { OTLPTraceExporter } = await import('@opentelemetry/exporter-trace-otlp-http')
  const { defaultResource, detectResources, envDetector } = await import('@opentelemetry/resources')
  const provider = new NodeTracerProvider({
    resource: defaultResource().merge(detectResources({ detectors: [envDetector] })),
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter())],
  })
  // The AsyncLocalStorage context manager and the W3C trace context propagator.
  provider.register()
}
