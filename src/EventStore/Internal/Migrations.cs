using System.Globalization;

namespace CrdtCollab.EventStore.Internal;

/// <summary>
/// The schema as numbered, append-only migrations. A migration is never edited once released;
/// changes are new entries. <see cref="Migrator"/> applies the pending ones under an advisory lock.
/// </summary>
internal static class Migrations
{
    public static IReadOnlyList<(int Version, string Sql)> All(string s)
    {
        var orderingKey = LockKeys.Ordering(s).ToString(CultureInfo.InvariantCulture);
        // pg_locks shows a bigint advisory key as two oids: the high and the low 32 bits.
        var orderingClassId = ((ulong)LockKeys.Ordering(s) >> 32).ToString(CultureInfo.InvariantCulture);
        var orderingObjId = ((ulong)LockKeys.Ordering(s) & 0xFFFF_FFFF).ToString(CultureInfo.InvariantCulture);
        var streamNamespace = LockKeys.StreamNamespace(s).ToString(CultureInfo.InvariantCulture);
        var channel = SchemaName.Channel(s);
        return
        [
            (1, $"""
            CREATE TABLE {s}.streams (
                id          uuid        PRIMARY KEY,
                version     bigint      NOT NULL,
                tenant_id   text,
                project_id  text,
                created_at  timestamptz NOT NULL,
                updated_at  timestamptz NOT NULL
            );

            -- CACHE 1 is load-bearing: positions must be handed out in the order appenders pass the
            -- ordering lock (see append_events); a per-session cache would break that.
            CREATE SEQUENCE {s}.events_position_seq AS bigint CACHE 1;

            CREATE TABLE {s}.events (
                global_position bigint      PRIMARY KEY,
                stream_id       uuid        NOT NULL,
                stream_version  bigint      NOT NULL,
                event_type      text        NOT NULL,
                payload         bytea       NOT NULL,
                created_at      timestamptz NOT NULL,
                user_id         text,
                client_id       bigint,
                correlation_id  uuid,
                causation_id    uuid,
                update_id       uuid,
                tx_id           xid8        NOT NULL DEFAULT pg_current_xact_id(),
                CONSTRAINT events_stream_version_key UNIQUE (stream_id, stream_version)
            );

            -- update_id leads: retries are found by update id alone, then checked against the stream.
            CREATE UNIQUE INDEX events_update_id_key ON {s}.events (update_id, stream_id) WHERE update_id IS NOT NULL;

            CREATE TABLE {s}.projection_checkpoints (
                name        text        PRIMARY KEY,
                position    bigint      NOT NULL,
                updated_at  timestamptz NOT NULL DEFAULT now()
            );

            CREATE TABLE {s}.snapshots (
                stream_id   uuid        NOT NULL,
                version     bigint      NOT NULL,
                payload     bytea       NOT NULL,
                created_at  timestamptz NOT NULL,
                PRIMARY KEY (stream_id, version)
            );

            -- One call appends a whole batch: one round trip, one statement, one transaction.
            -- Arrays per request: r_*, where r_offset counts the events of earlier requests to the same
            -- stream in this batch and r_first is the 0-based index of the request's first event.
            -- Arrays per event: e_*, where e_req is the 1-based request index and e_k the 1-based
            -- index within the request (a request's events are contiguous).
            -- Returns one row per new request: its first event's stream version and global position
            -- (the rest follow consecutively, k = 1); and for a retried request one row per event
            -- (k = index in the request) with the stored version and position.
            CREATE FUNCTION {s}.append_events(
                r_stream uuid[], r_expected bigint[], r_count int[], r_offset int[], r_first int[], r_tenant text[], r_project text[],
                e_req int[], e_k int[], e_stream uuid[], e_type text[], e_payload bytea[], e_update uuid[],
                e_user text[], e_client bigint[], e_correlation uuid[], e_causation uuid[], p_ts timestamptz)
            RETURNS TABLE (req int, k int, version bigint, global_position bigint, duplicate boolean)
            LANGUAGE plpgsql AS $fn$
            #variable_conflict use_column
            DECLARE
                v_any_dup boolean := false;
                v_dup boolean[] := ARRAY[]::boolean[];
                v_bad int;
                v_start bigint[];
                v_total bigint;
                v_conflict int;
                v_first bigint := 0;
                v_updated bigint;
                v_xid xid8;
            BEGIN
                -- 1. Per-stream locks, in key order so concurrent batches cannot deadlock. Advisory
                --    locks need no transaction id, which keeps the xid unassigned until step 4.
                PERFORM pg_advisory_xact_lock({streamNamespace}, t.h)
                   FROM (SELECT DISTINCT hashtext(x::text) AS h FROM unnest(r_stream) x ORDER BY 1) t;

                -- 2. Idempotency: a request whose update ids are all stored is a retry. A probe of
                --    the index first; the per-request accounting only runs when something matched.
                --    Lookups go through LATERAL ... LIMIT 1, which can only run as one index probe per
                --    id: as joins or "= ANY", the planner (estimating 10 array elements) chose
                --    sequential scans whose cost grew with the log.
                IF EXISTS (SELECT 1 FROM unnest(e_update) AS u(id)
                             CROSS JOIN LATERAL (SELECT 1 FROM {s}.events x
                                                  WHERE x.update_id = u.id AND x.update_id IS NOT NULL LIMIT 1) hit) THEN
                    v_any_dup := true;
                    SELECT array_agg(p.found = p.n ORDER BY p.req),
                           min(p.req) FILTER (WHERE p.found > 0 AND p.found < p.n)
                      INTO v_dup, v_bad
                      FROM (SELECT e.req, count(*) AS n, count(x.global_position) AS found
                              FROM unnest(e_req, e_stream, e_update) AS e(req, stream, upd)
                              LEFT JOIN LATERAL (SELECT x.global_position FROM {s}.events x
                                                  WHERE x.update_id = e.upd AND x.stream_id = e.stream
                                                    AND x.update_id IS NOT NULL LIMIT 1) x ON true
                             GROUP BY e.req) p;
                    IF v_bad IS NOT NULL THEN
                        RAISE EXCEPTION 'idempotency conflict' USING ERRCODE = 'CS002', DETAIL = r_stream[v_bad]::text;
                    END IF;
                END IF;

                -- 3. Version check, before any position is taken. Several requests to one stream in
                --    a batch chain: each starts where the previous (non-retry) one ended. Without
                --    retries the client's r_offset gives the chain; with them it is recomputed.
                IF NOT v_any_dup THEN
                    SELECT array_agg(q.actual ORDER BY q.idx), sum(q.n),
                           min(q.idx) FILTER (WHERE NOT (q.expected = -1 OR (q.expected = -2 AND q.actual = 0) OR q.expected = q.actual))
                      INTO v_start, v_total, v_conflict
                      FROM (SELECT r.idx::int AS idx, r.n, r.expected, coalesce(st.version, 0) + r.off AS actual
                              FROM unnest(r_stream, r_expected, r_count, r_offset) WITH ORDINALITY AS r(stream, expected, n, off, idx)
                              LEFT JOIN LATERAL (SELECT h.version FROM {s}.streams h WHERE h.id = r.stream LIMIT 1) st ON true) q;
                ELSE
                    SELECT array_agg(q.actual ORDER BY q.idx),
                           coalesce(sum(q.n) FILTER (WHERE q.actual IS NOT NULL), 0),
                           min(q.idx) FILTER (WHERE q.actual IS NOT NULL
                               AND NOT (q.expected = -1 OR (q.expected = -2 AND q.actual = 0) OR q.expected = q.actual))
                      INTO v_start, v_total, v_conflict
                      FROM (SELECT r.idx, r.n, r.expected,
                                   CASE WHEN r.dup THEN NULL ELSE
                                       coalesce(st.version, 0) + coalesce(sum(r.n) FILTER (WHERE NOT r.dup) OVER (
                                           PARTITION BY r.stream ORDER BY r.idx ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0)
                                   END AS actual
                              FROM (SELECT x.stream, x.expected, x.n, x.idx::int AS idx, coalesce(v_dup[x.idx::int], false) AS dup
                                      FROM unnest(r_stream, r_expected, r_count) WITH ORDINALITY AS x(stream, expected, n, idx)) r
                              LEFT JOIN LATERAL (SELECT h.version FROM {s}.streams h WHERE h.id = r.stream LIMIT 1) st ON true) q;
                END IF;
                IF v_conflict IS NOT NULL THEN
                    RAISE EXCEPTION 'wrong expected version' USING ERRCODE = 'CS001',
                        DETAIL = format('%s %s %s', r_stream[v_conflict], r_expected[v_conflict], v_start[v_conflict]);
                END IF;

                IF v_total > 0 THEN
                    -- 4. The ordering section. Taking the transaction id and the positions under one
                    --    lock makes xid order equal position order across appenders, which is what
                    --    lets readers trust "xid below the snapshot's xmin" as a gap-free prefix
                    --    (see ProjectionDaemon). A session lock, released right away, not at commit.
                    PERFORM pg_advisory_lock({orderingKey});
                    BEGIN
                        v_xid := pg_current_xact_id();
                        v_first := nextval('{s}.events_position_seq');
                        IF v_total > 1 THEN
                            PERFORM setval('{s}.events_position_seq', v_first + v_total - 1);
                        END IF;
                    EXCEPTION WHEN OTHERS THEN
                        PERFORM pg_advisory_unlock({orderingKey});
                        RAISE;
                    END;
                    PERFORM pg_advisory_unlock({orderingKey});

                    -- 5. Write the events and the stream heads.
                    IF v_any_dup THEN
                        INSERT INTO {s}.events (global_position, stream_id, stream_version, event_type, payload, created_at,
                                                user_id, client_id, correlation_id, causation_id, update_id, tx_id)
                        SELECT v_first + row_number() OVER (ORDER BY e.ord) - 1, e.stream, v_start[e.req] + e.k,
                               e.typ, e.payload, p_ts, e.usr, e.cli, e.corr, e.cause, e.upd, v_xid
                          FROM unnest(e_req, e_k, e_stream, e_type, e_payload, e_update, e_user, e_client, e_correlation, e_causation)
                               WITH ORDINALITY AS e(req, k, stream, typ, payload, upd, usr, cli, corr, cause, ord)
                         WHERE v_start[e.req] IS NOT NULL;
                    ELSE
                        -- No retries in the batch: positions follow the event order directly.
                        INSERT INTO {s}.events (global_position, stream_id, stream_version, event_type, payload, created_at,
                                                user_id, client_id, correlation_id, causation_id, update_id, tx_id)
                        SELECT v_first + e.ord - 1, e.stream, v_start[e.req] + e.k,
                               e.typ, e.payload, p_ts, e.usr, e.cli, e.corr, e.cause, e.upd, v_xid
                          FROM unnest(e_req, e_k, e_stream, e_type, e_payload, e_update, e_user, e_client, e_correlation, e_causation)
                               WITH ORDINALITY AS e(req, k, stream, typ, payload, upd, usr, cli, corr, cause, ord);
                    END IF;

                    -- Existing heads are updated in place; only streams the update missed are
                    -- inserted (cheaper than INSERT ... ON CONFLICT's speculative insertion).
                    UPDATE {s}.streams st SET version = h.version, updated_at = p_ts
                      FROM (SELECT r.stream, max(v_start[r.idx::int] + r.n) AS version
                              FROM unnest(r_stream, r_count) WITH ORDINALITY AS r(stream, n, idx)
                             WHERE v_start[r.idx::int] IS NOT NULL
                             GROUP BY r.stream) h
                     WHERE st.id = h.stream;
                    GET DIAGNOSTICS v_updated = ROW_COUNT;
                    IF v_updated < (SELECT count(DISTINCT x) FROM unnest(r_stream) x) THEN
                        INSERT INTO {s}.streams (id, version, tenant_id, project_id, created_at, updated_at)
                        SELECT r.stream, max(v_start[r.idx::int] + r.n), min(r.tenant), min(r.project), p_ts, p_ts
                          FROM unnest(r_stream, r_count, r_tenant, r_project) WITH ORDINALITY AS r(stream, n, tenant, project, idx)
                          LEFT JOIN LATERAL (SELECT 1 AS found FROM {s}.streams st WHERE st.id = r.stream LIMIT 1) e ON true
                         WHERE v_start[r.idx::int] IS NOT NULL AND e.found IS NULL
                         GROUP BY r.stream;
                    END IF;

                    PERFORM pg_notify('{channel}', '');
                END IF;

                IF NOT v_any_dup THEN
                    RETURN QUERY
                        SELECT r.idx::int, 1, v_start[r.idx::int] + 1, v_first + r.f, false
                          FROM unnest(r_first) WITH ORDINALITY AS r(f, idx);
                ELSE
                    RETURN QUERY
                        SELECT r.idx::int, 1, v_start[r.idx::int] + 1,
                               v_first + coalesce(sum(r.n) OVER (ORDER BY r.idx ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0),
                               false
                          FROM unnest(r_count) WITH ORDINALITY AS r(n, idx)
                         WHERE v_start[r.idx::int] IS NOT NULL;
                END IF;
                IF v_any_dup THEN
                    RETURN QUERY
                        SELECT e.req, e.k, x.stream_version, x.global_position, true
                          FROM unnest(e_req, e_k, e_stream, e_update) AS e(req, k, stream, upd)
                          CROSS JOIN LATERAL (SELECT x.stream_version, x.global_position FROM {s}.events x
                                               WHERE x.update_id = e.upd AND x.stream_id = e.stream
                                                 AND x.update_id IS NOT NULL LIMIT 1) x
                         WHERE v_start[e.req] IS NULL;
                END IF;
            END
            $fn$;
            """),
            (2, $"""
            -- Document versions: points in a stream worth returning to. The content is not copied:
            -- it is rebuilt from the log (snapshot at or below the version plus events up to it).
            CREATE TABLE {s}.document_versions (
                id              bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                stream_id       uuid        NOT NULL,
                stream_version  bigint      NOT NULL,
                kind            text        NOT NULL CHECK (kind IN ('named', 'idle', 'count')),
                name            text,
                created_by      text,
                created_at      timestamptz NOT NULL
            );
            CREATE INDEX document_versions_stream ON {s}.document_versions (stream_id, stream_version);
            """),
            (3, $"""
            -- Update ids are random, so a B-tree on them pays a random leaf write per event: it was the
            -- largest single cost of a batched append (raw COPY into the table rose from 84k to 134k
            -- rows/s with a hash index instead). The index only has to find ids; uniqueness per stream
            -- is enforced by the appenders themselves: they probe for the ids while holding the
            -- stream's advisory lock, so two appends of one id to one stream cannot both miss.
            DROP INDEX {s}.events_update_id_key;
            CREATE INDEX events_update_id_hash ON {s}.events USING hash (update_id) WHERE update_id IS NOT NULL;

            -- The first half of a large append: everything but writing the rows, which the client
            -- then streams with binary COPY in the same transaction (COPY inserts a page of rows at a
            -- time; unnest + INSERT inserts row by row). The batch arrives folded per stream: s_* has
            -- one entry per distinct stream (its event count, tenant, project), c_* one entry per
            -- request that expects a version (its stream's 1-based index in s_*, how many events of
            -- earlier requests to that stream precede it, and the expected version); requests that
            -- accept any version need no check, so a sync server's batch of thousands of updates to a
            -- few hundred documents costs a few hundred head lookups, not thousands.
            -- Takes the stream locks, checks the ids and versions, takes the positions under the
            -- ordering lock (as append_events does) and moves the stream heads. Returns the first
            -- global position and each stream's head before the batch; returns no row when any update
            -- id is already stored, and the caller then runs append_events, whose retry accounting
            -- handles that case.
            CREATE FUNCTION {s}.reserve_append(
                s_stream uuid[], s_count bigint[], s_tenant text[], s_project text[],
                c_stream int[], c_offset bigint[], c_expected bigint[], e_update uuid[], p_ts timestamptz)
            RETURNS TABLE (first_position bigint, heads bigint[])
            LANGUAGE plpgsql AS $fn$
            DECLARE
                v_heads bigint[];
                v_known int;
                v_conflict int;
                v_first bigint;
                v_total bigint := (SELECT sum(n) FROM unnest(s_count) n);
                v_updated bigint;
            BEGIN
                PERFORM pg_advisory_xact_lock({streamNamespace}, t.h)
                   FROM (SELECT hashtext(x::text) AS h FROM unnest(s_stream) x ORDER BY 1) t;

                IF EXISTS (SELECT 1 FROM unnest(e_update) AS u(id)
                             CROSS JOIN LATERAL (SELECT 1 FROM {s}.events x
                                                  WHERE x.update_id = u.id AND x.update_id IS NOT NULL LIMIT 1) hit) THEN
                    RETURN;
                END IF;

                SELECT array_agg(coalesce(h.version, 0) ORDER BY d.i), count(h.version)
                  INTO v_heads, v_known
                  FROM unnest(s_stream) WITH ORDINALITY AS d(id, i)
                  LEFT JOIN LATERAL (SELECT st.version FROM {s}.streams st WHERE st.id = d.id LIMIT 1) h ON true;

                SELECT min(c.i) INTO v_conflict
                  FROM unnest(c_stream, c_offset, c_expected) WITH ORDINALITY AS c(si, off, expected, i)
                 WHERE NOT ((c.expected = -2 AND v_heads[c.si] + c.off = 0) OR c.expected = v_heads[c.si] + c.off);
                IF v_conflict IS NOT NULL THEN
                    RAISE EXCEPTION 'wrong expected version' USING ERRCODE = 'CS001',
                        DETAIL = format('%s %s %s', s_stream[c_stream[v_conflict]], c_expected[v_conflict],
                                        v_heads[c_stream[v_conflict]] + c_offset[v_conflict]);
                END IF;

                -- The ordering section, as in append_events: the xid and the positions under one lock.
                PERFORM pg_advisory_lock({orderingKey});
                BEGIN
                    PERFORM pg_current_xact_id();
                    v_first := nextval('{s}.events_position_seq');
                    IF v_total > 1 THEN
                        PERFORM setval('{s}.events_position_seq', v_first + v_total - 1);
                    END IF;
                EXCEPTION WHEN OTHERS THEN
                    PERFORM pg_advisory_unlock({orderingKey});
                    RAISE;
                END;
                PERFORM pg_advisory_unlock({orderingKey});

                IF v_known > 0 THEN
                    UPDATE {s}.streams st SET version = v_heads[d.i] + d.n, updated_at = p_ts
                      FROM unnest(s_stream, s_count) WITH ORDINALITY AS d(id, n, i)
                     WHERE st.id = d.id;
                    GET DIAGNOSTICS v_updated = ROW_COUNT;
                ELSE
                    v_updated := 0;
                END IF;
                -- A stored stream's head is at least 1 (a stream is created by its first events), so
                -- head 0 means new; were that ever wrong, the insert would fail on the primary key.
                IF v_updated < cardinality(s_stream) THEN
                    INSERT INTO {s}.streams (id, version, tenant_id, project_id, created_at, updated_at)
                    SELECT d.id, d.n, d.tenant, d.project, p_ts, p_ts
                      FROM unnest(s_stream, s_count, s_tenant, s_project) WITH ORDINALITY AS d(id, n, tenant, project, i)
                     WHERE v_heads[d.i] = 0;
                END IF;

                PERFORM pg_notify('{channel}', '');
                RETURN QUERY SELECT v_first, v_heads;
            END
            $fn$;
            """),
            (4, $"""
            -- PL/pgSQL plans each statement with the call's actual arrays ("custom plans") until it
            -- trusts a generic plan, and for these statements it never did: every call re-planned
            -- about ten statements, 0.6-0.8 ms of a single append's 1 ms on the server. The queries
            -- are written so the generic plan is the right one at any batch size (index probes
            -- through LATERAL ... LIMIT 1, never a scan of the log or the stream heads).
            ALTER FUNCTION {s}.append_events SET plan_cache_mode = force_generic_plan;
            ALTER FUNCTION {s}.reserve_append SET plan_cache_mode = force_generic_plan;
            """),
            (5, $"""
            -- The ordering section released its session-level lock in an EXCEPTION WHEN OTHERS
            -- handler, and OTHERS does not catch query_canceled: an append cancelled inside the
            -- section (CancellationToken, statement_timeout) left the lock with its session, and
            -- every other session's append waited until that connection was reset or closed
            -- (forever with No Reset On Close). Both functions are replaced, unchanged but for the
            -- section: the lock is now taken inside the protected block, and the handler names
            -- query_canceled. A session lock is kept, rather than pg_advisory_xact_lock, so the
            -- section still ends before the rows are written: a transaction lock would serialize
            -- every append's inserts, COPY, inline projections and commit behind one another.
            -- CREATE OR REPLACE drops migration 4's per-function setting, so it is restated.
            CREATE OR REPLACE FUNCTION {s}.append_events(
                r_stream uuid[], r_expected bigint[], r_count int[], r_offset int[], r_first int[], r_tenant text[], r_project text[],
                e_req int[], e_k int[], e_stream uuid[], e_type text[], e_payload bytea[], e_update uuid[],
                e_user text[], e_client bigint[], e_correlation uuid[], e_causation uuid[], p_ts timestamptz)
            RETURNS TABLE (req int, k int, version bigint, global_position bigint, duplicate boolean)
            LANGUAGE plpgsql SET plan_cache_mode = force_generic_plan AS $fn$
            #variable_conflict use_column
            DECLARE
                v_any_dup boolean := false;
                v_dup boolean[] := ARRAY[]::boolean[];
                v_bad int;
                v_start bigint[];
                v_total bigint;
                v_conflict int;
                v_first bigint := 0;
                v_updated bigint;
                v_xid xid8;
            BEGIN
                -- 1. Per-stream locks, in key order so concurrent batches cannot deadlock. Advisory
                --    locks need no transaction id, which keeps the xid unassigned until step 4.
                PERFORM pg_advisory_xact_lock({streamNamespace}, t.h)
                   FROM (SELECT DISTINCT hashtext(x::text) AS h FROM unnest(r_stream) x ORDER BY 1) t;

                -- 2. Idempotency: a request whose update ids are all stored is a retry. A probe of
                --    the index first; the per-request accounting only runs when something matched.
                --    Lookups go through LATERAL ... LIMIT 1, which can only run as one index probe per
                --    id: as joins or "= ANY", the planner (estimating 10 array elements) chose
                --    sequential scans whose cost grew with the log.
                IF EXISTS (SELECT 1 FROM unnest(e_update) AS u(id)
                             CROSS JOIN LATERAL (SELECT 1 FROM {s}.events x
                                                  WHERE x.update_id = u.id AND x.update_id IS NOT NULL LIMIT 1) hit) THEN
                    v_any_dup := true;
                    SELECT array_agg(p.found = p.n ORDER BY p.req),
                           min(p.req) FILTER (WHERE p.found > 0 AND p.found < p.n)
                      INTO v_dup, v_bad
                      FROM (SELECT e.req, count(*) AS n, count(x.global_position) AS found
                              FROM unnest(e_req, e_stream, e_update) AS e(req, stream, upd)
                              LEFT JOIN LATERAL (SELECT x.global_position FROM {s}.events x
                                                  WHERE x.update_id = e.upd AND x.stream_id = e.stream
                                                    AND x.update_id IS NOT NULL LIMIT 1) x ON true
                             GROUP BY e.req) p;
                    IF v_bad IS NOT NULL THEN
                        RAISE EXCEPTION 'idempotency conflict' USING ERRCODE = 'CS002', DETAIL = r_stream[v_bad]::text;
                    END IF;
                END IF;

                -- 3. Version check, before any position is taken. Several requests to one stream in
                --    a batch chain: each starts where the previous (non-retry) one ended. Without
                --    retries the client's r_offset gives the chain; with them it is recomputed.
                IF NOT v_any_dup THEN
                    SELECT array_agg(q.actual ORDER BY q.idx), sum(q.n),
                           min(q.idx) FILTER (WHERE NOT (q.expected = -1 OR (q.expected = -2 AND q.actual = 0) OR q.expected = q.actual))
                      INTO v_start, v_total, v_conflict
                      FROM (SELECT r.idx::int AS idx, r.n, r.expected, coalesce(st.version, 0) + r.off AS actual
                              FROM unnest(r_stream, r_expected, r_count, r_offset) WITH ORDINALITY AS r(stream, expected, n, off, idx)
                              LEFT JOIN LATERAL (SELECT h.version FROM {s}.streams h WHERE h.id = r.stream LIMIT 1) st ON true) q;
                ELSE
                    SELECT array_agg(q.actual ORDER BY q.idx),
                           coalesce(sum(q.n) FILTER (WHERE q.actual IS NOT NULL), 0),
                           min(q.idx) FILTER (WHERE q.actual IS NOT NULL
                               AND NOT (q.expected = -1 OR (q.expected = -2 AND q.actual = 0) OR q.expected = q.actual))
                      INTO v_start, v_total, v_conflict
                      FROM (SELECT r.idx, r.n, r.expected,
                                   CASE WHEN r.dup THEN NULL ELSE
                                       coalesce(st.version, 0) + coalesce(sum(r.n) FILTER (WHERE NOT r.dup) OVER (
                                           PARTITION BY r.stream ORDER BY r.idx ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0)
                                   END AS actual
                              FROM (SELECT x.stream, x.expected, x.n, x.idx::int AS idx, coalesce(v_dup[x.idx::int], false) AS dup
                                      FROM unnest(r_stream, r_expected, r_count) WITH ORDINALITY AS x(stream, expected, n, idx)) r
                              LEFT JOIN LATERAL (SELECT h.version FROM {s}.streams h WHERE h.id = r.stream LIMIT 1) st ON true) q;
                END IF;
                IF v_conflict IS NOT NULL THEN
                    RAISE EXCEPTION 'wrong expected version' USING ERRCODE = 'CS001',
                        DETAIL = format('%s %s %s', r_stream[v_conflict], r_expected[v_conflict], v_start[v_conflict]);
                END IF;

                IF v_total > 0 THEN
                    -- 4. The ordering section. Taking the transaction id and the positions under one
                    --    lock makes xid order equal position order across appenders, which is what
                    --    lets readers trust "xid below the snapshot's xmin" as a gap-free prefix
                    --    (see ProjectionDaemon). A session lock, released right away, not at commit.
                    BEGIN
                        PERFORM pg_advisory_lock({orderingKey});
                        v_xid := pg_current_xact_id();
                        v_first := nextval('{s}.events_position_seq');
                        IF v_total > 1 THEN
                            PERFORM setval('{s}.events_position_seq', v_first + v_total - 1);
                        END IF;
                        PERFORM pg_advisory_unlock({orderingKey});
                    EXCEPTION WHEN query_canceled OR OTHERS THEN
                        -- Named: OTHERS alone excludes query_canceled (client cancel, statement_timeout). The
                        -- error may come before the lock was granted or after it was released, so release
                        -- only a lock this session holds; the loop survives a second cancel arriving here.
                        LOOP
                            BEGIN
                                IF EXISTS (SELECT 1 FROM pg_locks l
                                            WHERE l.locktype = 'advisory' AND l.pid = pg_backend_pid() AND l.granted
                                              AND l.classid = '{orderingClassId}'::oid AND l.objid = '{orderingObjId}'::oid AND l.objsubid = 1) THEN
                                    PERFORM pg_advisory_unlock({orderingKey});
                                END IF;
                                EXIT;
                            EXCEPTION WHEN query_canceled THEN
                                NULL;
                            END;
                        END LOOP;
                        RAISE;
                    END;

                    -- 5. Write the events and the stream heads.
                    IF v_any_dup THEN
                        INSERT INTO {s}.events (global_position, stream_id, stream_version, event_type, payload, created_at,
                                                user_id, client_id, correlation_id, causation_id, update_id, tx_id)
                        SELECT v_first + row_number() OVER (ORDER BY e.ord) - 1, e.stream, v_start[e.req] + e.k,
                               e.typ, e.payload, p_ts, e.usr, e.cli, e.corr, e.cause, e.upd, v_xid
                          FROM unnest(e_req, e_k, e_stream, e_type, e_payload, e_update, e_user, e_client, e_correlation, e_causation)
                               WITH ORDINALITY AS e(req, k, stream, typ, payload, upd, usr, cli, corr, cause, ord)
                         WHERE v_start[e.req] IS NOT NULL;
                    ELSE
                        -- No retries in the batch: positions follow the event order directly.
                        INSERT INTO {s}.events (global_position, stream_id, stream_version, event_type, payload, created_at,
                                                user_id, client_id, correlation_id, causation_id, update_id, tx_id)
                        SELECT v_first + e.ord - 1, e.stream, v_start[e.req] + e.k,
                               e.typ, e.payload, p_ts, e.usr, e.cli, e.corr, e.cause, e.upd, v_xid
                          FROM unnest(e_req, e_k, e_stream, e_type, e_payload, e_update, e_user, e_client, e_correlation, e_causation)
                               WITH ORDINALITY AS e(req, k, stream, typ, payload, upd, usr, cli, corr, cause, ord);
                    END IF;

                    -- Existing heads are updated in place; only streams the update missed are
                    -- inserted (cheaper than INSERT ... ON CONFLICT's speculative insertion).
                    UPDATE {s}.streams st SET version = h.version, updated_at = p_ts
                      FROM (SELECT r.stream, max(v_start[r.idx::int] + r.n) AS version
                              FROM unnest(r_stream, r_count) WITH ORDINALITY AS r(stream, n, idx)
                             WHERE v_start[r.idx::int] IS NOT NULL
                             GROUP BY r.stream) h
                     WHERE st.id = h.stream;
                    GET DIAGNOSTICS v_updated = ROW_COUNT;
                    IF v_updated < (SELECT count(DISTINCT x) FROM unnest(r_stream) x) THEN
                        INSERT INTO {s}.streams (id, version, tenant_id, project_id, created_at, updated_at)
                        SELECT r.stream, max(v_start[r.idx::int] + r.n), min(r.tenant), min(r.project), p_ts, p_ts
                          FROM unnest(r_stream, r_count, r_tenant, r_project) WITH ORDINALITY AS r(stream, n, tenant, project, idx)
                          LEFT JOIN LATERAL (SELECT 1 AS found FROM {s}.streams st WHERE st.id = r.stream LIMIT 1) e ON true
                         WHERE v_start[r.idx::int] IS NOT NULL AND e.found IS NULL
                         GROUP BY r.stream;
                    END IF;

                    PERFORM pg_notify('{channel}', '');
                END IF;

                IF NOT v_any_dup THEN
                    RETURN QUERY
                        SELECT r.idx::int, 1, v_start[r.idx::int] + 1, v_first + r.f, false
                          FROM unnest(r_first) WITH ORDINALITY AS r(f, idx);
                ELSE
                    RETURN QUERY
                        SELECT r.idx::int, 1, v_start[r.idx::int] + 1,
                               v_first + coalesce(sum(r.n) OVER (ORDER BY r.idx ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0),
                               false
                          FROM unnest(r_count) WITH ORDINALITY AS r(n, idx)
                         WHERE v_start[r.idx::int] IS NOT NULL;
                END IF;
                IF v_any_dup THEN
                    RETURN QUERY
                        SELECT e.req, e.k, x.stream_version, x.global_position, true
                          FROM unnest(e_req, e_k, e_stream, e_update) AS e(req, k, stream, upd)
                          CROSS JOIN LATERAL (SELECT x.stream_version, x.global_position FROM {s}.events x
                                               WHERE x.update_id = e.upd AND x.stream_id = e.stream
                                                 AND x.update_id IS NOT NULL LIMIT 1) x
                         WHERE v_start[e.req] IS NULL;
                END IF;
            END
            $fn$;

            CREATE OR REPLACE FUNCTION {s}.reserve_append(
                s_stream uuid[], s_count bigint[], s_tenant text[], s_project text[],
                c_stream int[], c_offset bigint[], c_expected bigint[], e_update uuid[], p_ts timestamptz)
            RETURNS TABLE (first_position bigint, heads bigint[])
            LANGUAGE plpgsql SET plan_cache_mode = force_generic_plan AS $fn$
            DECLARE
                v_heads bigint[];
                v_known int;
                v_conflict int;
                v_first bigint;
                v_total bigint := (SELECT sum(n) FROM unnest(s_count) n);
                v_updated bigint;
            BEGIN
                PERFORM pg_advisory_xact_lock({streamNamespace}, t.h)
                   FROM (SELECT hashtext(x::text) AS h FROM unnest(s_stream) x ORDER BY 1) t;

                IF EXISTS (SELECT 1 FROM unnest(e_update) AS u(id)
                             CROSS JOIN LATERAL (SELECT 1 FROM {s}.events x
                                                  WHERE x.update_id = u.id AND x.update_id IS NOT NULL LIMIT 1) hit) THEN
                    RETURN;
                END IF;

                SELECT array_agg(coalesce(h.version, 0) ORDER BY d.i), count(h.version)
                  INTO v_heads, v_known
                  FROM unnest(s_stream) WITH ORDINALITY AS d(id, i)
                  LEFT JOIN LATERAL (SELECT st.version FROM {s}.streams st WHERE st.id = d.id LIMIT 1) h ON true;

                SELECT min(c.i) INTO v_conflict
                  FROM unnest(c_stream, c_offset, c_expected) WITH ORDINALITY AS c(si, off, expected, i)
                 WHERE NOT ((c.expected = -2 AND v_heads[c.si] + c.off = 0) OR c.expected = v_heads[c.si] + c.off);
                IF v_conflict IS NOT NULL THEN
                    RAISE EXCEPTION 'wrong expected version' USING ERRCODE = 'CS001',
                        DETAIL = format('%s %s %s', s_stream[c_stream[v_conflict]], c_expected[v_conflict],
                                        v_heads[c_stream[v_conflict]] + c_offset[v_conflict]);
                END IF;

                -- The ordering section, as in append_events: the xid and the positions under one lock.
                BEGIN
                    PERFORM pg_advisory_lock({orderingKey});
                    PERFORM pg_current_xact_id();
                    v_first := nextval('{s}.events_position_seq');
                    IF v_total > 1 THEN
                        PERFORM setval('{s}.events_position_seq', v_first + v_total - 1);
                    END IF;
                    PERFORM pg_advisory_unlock({orderingKey});
                EXCEPTION WHEN query_canceled OR OTHERS THEN
                    -- Named: OTHERS alone excludes query_canceled (client cancel, statement_timeout). The
                    -- error may come before the lock was granted or after it was released, so release
                    -- only a lock this session holds; the loop survives a second cancel arriving here.
                    LOOP
                        BEGIN
                            IF EXISTS (SELECT 1 FROM pg_locks l
                                        WHERE l.locktype = 'advisory' AND l.pid = pg_backend_pid() AND l.granted
                                          AND l.classid = '{orderingClassId}'::oid AND l.objid = '{orderingObjId}'::oid AND l.objsubid = 1) THEN
                                PERFORM pg_advisory_unlock({orderingKey});
                            END IF;
                            EXIT;
                        EXCEPTION WHEN query_canceled THEN
                            NULL;
                        END;
                    END LOOP;
                    RAISE;
                END;

                IF v_known > 0 THEN
                    UPDATE {s}.streams st SET version = v_heads[d.i] + d.n, updated_at = p_ts
                      FROM unnest(s_stream, s_count) WITH ORDINALITY AS d(id, n, i)
                     WHERE st.id = d.id;
                    GET DIAGNOSTICS v_updated = ROW_COUNT;
                ELSE
                    v_updated := 0;
                END IF;
                -- A stored stream's head is at least 1 (a stream is created by its first events), so
                -- head 0 means new; were that ever wrong, the insert would fail on the primary key.
                IF v_updated < cardinality(s_stream) THEN
                    INSERT INTO {s}.streams (id, version, tenant_id, project_id, created_at, updated_at)
                    SELECT d.id, d.n, d.tenant, d.project, p_ts, p_ts
                      FROM unnest(s_stream, s_count, s_tenant, s_project) WITH ORDINALITY AS d(id, n, tenant, project, i)
                     WHERE v_heads[d.i] = 0;
                END IF;

                PERFORM pg_notify('{channel}', '');
                RETURN QUERY SELECT v_first, v_heads;
            END
            $fn$;
            """),
        ];
    }
}
