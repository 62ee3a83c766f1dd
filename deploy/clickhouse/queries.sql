-- Fleet questions over schema.sql's tables. Each query starts with a
-- "-- query: NAME" line (tests/siem/clickhouse.sh runs them one by one and
-- checks every answer against amtscope's JSON reports); run them all with
--   clickhouse-client --multiquery < deploy/clickhouse/queries.sql
-- On a cluster, read amtscope.findings_all / amtscope.events_all instead.
-- A site is a sensor (--sensor NAME). Times are UTC; *_seen columns keep the
-- microseconds (RFC 3339 text compares in time order).

-- query: findings_per_rule_and_site
-- Findings per rule and site, with the devices they concern.
SELECT sensor AS site, rule, severity, count() AS findings, uniqExactIf(device, device != '') AS devices
FROM amtscope.findings
GROUP BY site, rule, severity
ORDER BY site, findings DESC, rule;

-- query: unanswered_hellos_last_day
-- Devices whose hellos went unanswered in the last day (the hello.unanswered
-- finding: no connection back from the setup service within the window).
-- "The last day" is the 24 hours before the newest finding in the store, so
-- the question also works on old captures; a live fleet may compare with
-- now() instead: WHERE last_time >= now() - 86400.
SELECT sensor AS site, device, count() AS findings, min(first_seen) AS first_hello, max(last_seen) AS last_hello
FROM amtscope.findings
WHERE rule = 'hello.unanswered'
  AND last_time >= (SELECT max(last_time) FROM amtscope.findings) - 86400
GROUP BY site, device
ORDER BY site, device;

-- query: setup_services_most_failures
-- The setup services with most failures: for each service that received
-- hellos, the devices it left unconfigured (hello.unanswered: it never
-- connected back; scs.contact_back_failed: its log says it could not).
SELECT service, count() AS failures, uniqExact(device) AS devices
FROM
(
    SELECT DISTINCT sensor, src_ip AS device, dest_ip AS service
    FROM amtscope.events
    WHERE event_type = 'hello'
)
ALL INNER JOIN
(
    SELECT sensor, device, rule
    FROM amtscope.findings
    WHERE rule IN ('hello.unanswered', 'scs.contact_back_failed')
) USING (sensor, device)
GROUP BY service
ORDER BY failures DESC, service;

-- query: device_first_last_seen
-- When each address was first and last seen, by any event naming it as
-- sender or receiver.
SELECT sensor AS site, device, min(t) AS first_seen, max(t) AS last_seen, count() AS events
FROM
(
    SELECT sensor, src_ip AS device, timestamp AS t FROM amtscope.events WHERE src_ip != '' AND timestamp != ''
    UNION ALL
    SELECT sensor, dest_ip AS device, timestamp AS t FROM amtscope.events WHERE dest_ip != '' AND timestamp != ''
)
GROUP BY site, device
ORDER BY site, device;

-- query: device_findings_first_last
-- When each device first and last showed a problem: the span of its
-- findings' evidence.
SELECT sensor AS site, device, min(first_seen) AS first_problem, max(last_seen) AS last_problem, count() AS findings
FROM amtscope.findings
WHERE device != '' AND first_seen != ''
GROUP BY site, device
ORDER BY site, device;
