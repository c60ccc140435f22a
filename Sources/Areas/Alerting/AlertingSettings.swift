import Foundation
import HubKit
import Synchronization

/// The running alerting configuration, replaced whole by a reload (`SIGHUP`,
/// `POST /api/v1/alerting/reload`). A reload that fails validation changes nothing. Which services
/// run (a Telegram dispatcher, a Sentry sender) is decided at start: adding the first receiver of a
/// kind needs a restart.
final class AlertingSettings: Sendable {
    private let value: Mutex<AlertingConfiguration>

    init(_ configuration: AlertingConfiguration) { value = Mutex(configuration) }

    var current: AlertingConfiguration { value.withLock { $0 } }

    /// Reads the configuration file and the environment again and validates the alerting section;
    /// the problems (with their paths) when it is not valid.
    func reload(environment: [String: String] = ProcessInfo.processInfo.environment) -> Result<AlertingConfiguration, ReloadFailure> {
        let file = current.sourceFile
        let reader: ConfigurationReader
        do { reader = try ConfigurationReader(filePath: file, environment: environment) } catch {
            return .failure(ReloadFailure(problems: ["\(error)"]))
        }
        let core = CoreConfiguration.read(reader)
        let next = AlertingConfiguration.read(reader, core: core)
        do {
            try reader.finish()
        } catch {
            guard case .invalidValues(let problems) = error else { return .failure(ReloadFailure(problems: ["\(error)"])) }
            // Other areas' keys are not read here, so they show as unknown: only alerting's own and the core's problems count.
            let relevant = problems.filter { !$0.hasPrefix("unknown key '") || $0.hasPrefix("unknown key 'alerting.") }
            if !relevant.isEmpty { return .failure(ReloadFailure(problems: relevant)) }
        }
        value.withLock { $0 = next }
        return .success(next)
    }

    struct ReloadFailure: Error {
        let problems: [String]
    }
}
