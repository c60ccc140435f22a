import ClientPostgres
import Hummingbird
import LogModel
import Pipeline
import Spool

/// `/healthz` (the process answers) and `/readyz` (it can take logs: spool writable, PostgreSQL
/// reachable), with every sink's state and lag in the body. A sink that is down does not make the
/// hub unready: the spool keeps accepting, which is the point of having one.
struct HealthRoutes {
    let spool: Spool
    let database: PostgresClient
    let workers: [SinkWorker]

    func register(on router: Router<HubRequestContext>) {
        router.get("/healthz") { _, _ in
            JSONResponse.make(.ok, ["status": "ok"])
        }
        router.get("/readyz") { _, _ in
            await self.readiness()
        }
    }

    func readiness() async -> Response {
        let stats = spool.stats()
        let spoolWritable = stats.acceptsAppends
        var databaseOK = true
        var databaseError: String?
        do { try await database.ping() } catch {
            databaseOK = false
            databaseError = "\(error)"
        }
        var sinks = JSONObject()
        for worker in workers {
            let status = worker.currentStatus
            var entry: JSONObject = ["state": .string(status.state.rawValue),
                                     "lag_bytes": .int(Int64(stats.lagBytes(for: worker.sink.name)))]
            if let error = status.lastError { entry["last_error"] = .string(error) }
            sinks[worker.sink.name] = .object(entry)
        }
        var database: JSONObject = ["ok": .bool(databaseOK)]
        if let databaseError { database["error"] = .string(databaseError) }
        let ready = spoolWritable && databaseOK
        let body: JSONValue = .object([
            "status": .string(ready ? "ready" : "not_ready"),
            "spool": .object(["writable": .bool(spoolWritable), "bytes": .int(stats.retainedBytes), "max_bytes": .int(stats.maxBytes),
                              "segments": .int(Int64(stats.segmentCount))]),
            "database": .object(database),
            "sinks": .object(sinks),
        ])
        return JSONResponse.make(ready ? .ok : .serviceUnavailable, body)
    }
}
