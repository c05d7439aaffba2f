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

            CREATE UNIQUE INDEX events_update_id_key ON {s}.events (stream_id, update_id) WHERE update_id IS NOT NULL;

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
            -- Arrays per request: r_*; arrays per event: e_*, with e_req the 1-based request index.
            -- Returns, per event ordinal, its stream version and global position.
            CREATE FUNCTION {s}.append_events(
                r_stream uuid[], r_expected bigint[], r_tenant text[], r_project text[],
                e_req int[], e_type text[], e_payload bytea[], e_update uuid[], e_user text[],
                e_client bigint[], e_correlation uuid[], e_causation uuid[], p_ts timestamptz)
            RETURNS TABLE (ord int, stream_version bigint, global_position bigint, duplicate boolean)
            LANGUAGE plpgsql AS $fn$
            #variable_conflict use_column
            DECLARE
                v_key int;
                v_dup boolean[] := ARRAY[]::boolean[];
                v_bad int;
                v_start bigint[];
                v_conflict record;
                v_total int;
                v_first bigint := 0;
            BEGIN
                -- 1. Per-stream locks, in key order so concurrent batches cannot deadlock. Advisory
                --    locks need no transaction id, which keeps the xid unassigned until step 4.
                FOR v_key IN SELECT DISTINCT hashtext(x::text) FROM unnest(r_stream) x ORDER BY 1 LOOP
                    PERFORM pg_advisory_xact_lock({streamNamespace}, v_key);
                END LOOP;

                -- 2. Idempotency: a request whose update ids are all stored is a retry.
                IF EXISTS (SELECT 1 FROM unnest(e_update) u WHERE u IS NOT NULL) THEN
                    SELECT array_agg(p.found = p.n ORDER BY p.req),
                           min(p.req) FILTER (WHERE p.found > 0 AND p.found < p.n)
                      INTO v_dup, v_bad
                      FROM (SELECT e.req, count(*) AS n, count(x.global_position) AS found
                              FROM unnest(e_req, e_update) AS e(req, upd)
                              LEFT JOIN {s}.events x ON x.stream_id = r_stream[e.req] AND x.update_id = e.upd
                             GROUP BY e.req) p;
                    IF v_bad IS NOT NULL THEN
                        RAISE EXCEPTION 'idempotency conflict' USING ERRCODE = 'CS002', DETAIL = r_stream[v_bad]::text;
                    END IF;
                END IF;

                -- 3. Version check, before any position is taken. Several requests to one stream
                --    in a batch chain: each starts where the previous one ended.
                SELECT array_agg(q.actual ORDER BY q.idx) INTO v_start
                  FROM (SELECT r.idx,
                               CASE WHEN coalesce(v_dup[r.idx::int], false) THEN NULL ELSE
                               coalesce(st.version, 0) + coalesce(sum(c.n) FILTER (WHERE NOT coalesce(v_dup[r.idx::int], false))
                                   OVER (PARTITION BY r.stream ORDER BY r.idx ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0)
                               END AS actual
                          FROM unnest(r_stream) WITH ORDINALITY AS r(stream, idx)
                          JOIN (SELECT req, count(*) AS n FROM unnest(e_req) AS req GROUP BY req) c ON c.req = r.idx
                          LEFT JOIN {s}.streams st ON st.id = r.stream) q;

                SELECT r.idx, r.stream, r.expected, v_start[r.idx::int] AS actual INTO v_conflict
                  FROM unnest(r_stream, r_expected) WITH ORDINALITY AS r(stream, expected, idx)
                 WHERE v_start[r.idx::int] IS NOT NULL
                   AND NOT (r.expected = -1 OR (r.expected = -2 AND v_start[r.idx::int] = 0) OR r.expected = v_start[r.idx::int])
                 ORDER BY r.idx LIMIT 1;
                IF FOUND THEN
                    RAISE EXCEPTION 'wrong expected version' USING ERRCODE = 'CS001',
                        DETAIL = format('%s %s %s', v_conflict.stream, v_conflict.expected, v_conflict.actual);
                END IF;

                SELECT count(*) INTO v_total FROM unnest(e_req) AS req WHERE v_start[req] IS NOT NULL;

                IF v_total > 0 THEN
                    -- 4. The ordering section. Taking the transaction id and the positions under one
                    --    lock makes xid order equal position order across appenders, which is what
                    --    lets readers trust "xid below the snapshot's xmin" as a gap-free prefix
                    --    (see ProjectionDaemon). A session lock, released right away, not at commit.
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

                    -- 5. Write the events and the stream heads.
                    INSERT INTO {s}.events (global_position, stream_id, stream_version, event_type, payload, created_at,
                                            user_id, client_id, correlation_id, causation_id, update_id, tx_id)
                    SELECT v_first + row_number() OVER (ORDER BY e.ord) - 1,
                           r_stream[e.req],
                           v_start[e.req] + row_number() OVER (PARTITION BY e.req ORDER BY e.ord),
                           e.typ, e.payload, p_ts, e.usr, e.cli, e.corr, e.cause, e.upd, pg_current_xact_id()
                      FROM unnest(e_req, e_type, e_payload, e_update, e_user, e_client, e_correlation, e_causation)
                           WITH ORDINALITY AS e(req, typ, payload, upd, usr, cli, corr, cause, ord)
                     WHERE v_start[e.req] IS NOT NULL;

                    INSERT INTO {s}.streams AS st (id, version, tenant_id, project_id, created_at, updated_at)
                    SELECT r.stream, max(v_start[r.idx::int] + c.n), min(r.tenant), min(r.project), p_ts, p_ts
                      FROM unnest(r_stream, r_tenant, r_project) WITH ORDINALITY AS r(stream, tenant, project, idx)
                      JOIN (SELECT req, count(*) AS n FROM unnest(e_req) AS req GROUP BY req) c ON c.req = r.idx
                     WHERE v_start[r.idx::int] IS NOT NULL
                     GROUP BY r.stream
                    ON CONFLICT (id) DO UPDATE SET version = EXCLUDED.version, updated_at = EXCLUDED.updated_at;

                    PERFORM pg_notify('{channel}', '');
                END IF;

                RETURN QUERY
                    SELECT e.ord::int,
                           v_start[e.req] + row_number() OVER (PARTITION BY e.req ORDER BY e.ord),
                           v_first + row_number() OVER (ORDER BY e.ord) - 1,
                           false
                      FROM unnest(e_req) WITH ORDINALITY AS e(req, ord)
                     WHERE v_start[e.req] IS NOT NULL
                    UNION ALL
                    SELECT e.ord::int, x.stream_version, x.global_position, true
                      FROM unnest(e_req, e_update) WITH ORDINALITY AS e(req, upd, ord)
                      JOIN {s}.events x ON x.stream_id = r_stream[e.req] AND x.update_id = e.upd
                     WHERE v_start[e.req] IS NULL;
            END
            $fn$;
            """),
        ];
    }
}
