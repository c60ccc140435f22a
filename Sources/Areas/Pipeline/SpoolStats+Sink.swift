import HubKit
import Spool

extension SpoolStats {
    /// Bytes the sink still has to deliver; 0 for a sink the spool does not know.
    func lagBytes(for sink: String) -> Int64 {
        Int64(sinks.first { $0.name == sink }?.lagBytes ?? 0)
    }
}
