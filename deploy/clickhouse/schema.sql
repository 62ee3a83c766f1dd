-- amtscope's fleet store: the JSON lines of `amtscope analyze --format jsonl`
-- (or --events FILE) from many sensors and runs, loaded by load.sh.
-- Written for ClickHouse 18.16 (Debian 12's clickhouse-server) and later:
-- no DateTime64, no LowCardinality, no best-effort date input, so the RFC 3339
-- times are kept as text as amtscope writes them and parsed once, at insert,
-- into DateTime (seconds) plus the microseconds in a column of their own.
-- docs/fleet.md shows how to use it.
--
-- One node: run this file as it is (clickhouse-client --multiquery < schema.sql).
-- A cluster: define the cluster `amtscope` in remote_servers of every node's
-- config (docs/fleet.md has the snippet), run this file on every node, load
-- into events_all/findings_all (or into each node's own tables) and query
-- the *_all tables.

CREATE DATABASE IF NOT EXISTS amtscope;

-- One row per decoded event (every record whose event_type is not `finding`).
-- The decoded fields (dns.qry.name, hello.uuid, ...) stay in the JSON lines
-- files: the columns are the members every event has, and what the fleet
-- questions need.
CREATE TABLE IF NOT EXISTS amtscope.events
(
    timestamp    String,            -- RFC 3339 UTC with microseconds, as written
    event_type   String,            -- dns_answer, hello, flow_close, ... (docs/events.md)
    sensor       String,            -- --sensor NAME: the capture point or site
    run_id       String,            -- --run-id: one analysis run
    app_proto    String,
    input        String,            -- capture or log file as given to amtscope
    frame        UInt32,
    frame_first  UInt32,
    line         UInt32,
    flow_id      UInt64,            -- per run; join across runs and tools on community_id
    community_id String,
    proto        String,            -- TCP / UDP
    src_ip       String,
    src_port     UInt16,
    dest_ip      String,
    dest_port    UInt16,
    direction    String,            -- to_server / to_client
    info         String,
    `hello.uuid` String,            -- the AMT device's UUID, on hello events
    `tcp.state`  String,            -- flow_close: established, refused, no_answer, ...
    time         DateTime MATERIALIZED parseDateTimeBestEffortOrZero(timestamp),
    time_us      UInt32 MATERIALIZED toUInt32OrZero(substring(timestamp, 21, 6)),
    day          Date MATERIALIZED toDate(time),
    -- the device an event is about: the sender of a hello (AMT calling its
    -- setup service), else the flow's server (AMT answering on 16992/16993,
    -- 623/664, or the DNS/DHCP server), else the sender
    device       String MATERIALIZED if(event_type = 'hello' OR dest_ip = '', src_ip,
                                        if(direction = 'to_client', src_ip, dest_ip))
)
ENGINE = MergeTree()
PARTITION BY toYYYYMMDD(day)
ORDER BY (sensor, device, time);

-- One row per finding record (event_type `finding`).
CREATE TABLE IF NOT EXISTS amtscope.findings
(
    timestamp    String,            -- the finding's first evidence ('' when none has a time)
    sensor       String,
    run_id       String,
    rule         String,            -- docs/findings.md
    severity     String,            -- error / warning / info
    device       String,            -- '' for a service-wide finding
    summary      String,
    remedy       String,
    first_seen   String,
    last_seen    String,
    time         DateTime MATERIALIZED parseDateTimeBestEffortOrZero(timestamp),
    first_time   DateTime MATERIALIZED parseDateTimeBestEffortOrZero(first_seen),
    last_time    DateTime MATERIALIZED parseDateTimeBestEffortOrZero(last_seen),
    day          Date MATERIALIZED toDate(time)
)
ENGINE = MergeTree()
PARTITION BY toYYYYMMDD(day)
ORDER BY (sensor, device, time);

-- The same tables over a cluster of shards: rows go to a shard by sensor,
-- so one sensor's rows stay together. Querying them works on one node too
-- when the cluster `amtscope` lists that node alone.
CREATE TABLE IF NOT EXISTS amtscope.events_all AS amtscope.events
    ENGINE = Distributed(amtscope, amtscope, events, cityHash64(sensor));
CREATE TABLE IF NOT EXISTS amtscope.findings_all AS amtscope.findings
    ENGINE = Distributed(amtscope, amtscope, findings, cityHash64(sensor));
