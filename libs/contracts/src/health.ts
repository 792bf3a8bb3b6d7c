/** Body of `GET /healthz` and of a successful `GET /readyz`. */
export interface HealthStatus {
  status: 'ok';
}
