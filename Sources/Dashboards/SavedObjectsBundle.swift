/// The saved objects `admin dashboards install` imports by default: dashboards/opensearch-dashboards/
/// datamp-admin.ndjson, embedded at build time (a copy under Resources/, written by
/// scripts/lib/gen_saved_objects.py; DashboardContentTests fails when the two differ) so that `admin`
/// works from any directory.
public enum SavedObjectsBundle {
    public static var ndjson: [UInt8] { PackageResources.datamp_admin_ndjson }
    /// The committed file, relative to the repository root.
    public static let repositoryPath = "dashboards/opensearch-dashboards/datamp-admin.ndjson"
    public static let fileName = "datamp-admin.ndjson"
}
