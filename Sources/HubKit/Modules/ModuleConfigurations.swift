/// Each module's configuration, read once by the hub and looked up by the module's type.
public struct ModuleConfigurations: Sendable {
    private var values: [ObjectIdentifier: any Sendable] = [:]

    public init() {}

    /// Reads `module`'s section from `reader` and keeps it.
    public mutating func read<Module: HubModule>(_ module: Module.Type, from reader: ConfigurationReader, core: CoreConfiguration) {
        values[ObjectIdentifier(module)] = module.readConfiguration(reader, core: core)
    }

    /// The configuration of `module`; every module in the hub's list was read by `read`.
    public subscript<Module: HubModule>(_ module: Module.Type) -> Module.Configuration {
        guard let value = values[ObjectIdentifier(module)] as? Module.Configuration else {
            preconditionFailure("the configuration of module \(Module.name) was not read: is it in the hub's list of modules?")
        }
        return value
    }
}
