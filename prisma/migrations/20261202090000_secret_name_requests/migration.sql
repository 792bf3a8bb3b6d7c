-- Secret-name requests (issue 19): a webapp's manager who is no admin asks for secret names the
-- webapp may not receive yet; an admin approves them (by widening secretNames) or declines. One
-- pending request per webapp, replaced by a newer one.
CREATE TABLE "secret_name_requests" (
    "webapp_id" UUID NOT NULL,
    "names" TEXT[] NOT NULL,
    "requested_by_user_id" UUID,
    "requested_by_login" TEXT NOT NULL,
    "requested_at" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "secret_name_requests_pkey" PRIMARY KEY ("webapp_id")
);
CREATE INDEX "secret_name_requests_requested_at_idx" ON "secret_name_requests"("requested_at");
ALTER TABLE "secret_name_requests" ADD CONSTRAINT "secret_name_requests_webapp_id_fkey" FOREIGN KEY ("webapp_id") REFERENCES "webapps"("id") ON DELETE CASCADE ON UPDATE CASCADE;
