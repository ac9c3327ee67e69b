import Foundation
import PostgresNIO

/// Reads `postgres://user:password@host:port/database?sslmode=…` into a client configuration.
public enum DatabaseURL {
    public static func configuration(_ url: String, maximumConnections: Int = 20) throws -> PostgresClient.Configuration {
        guard let components = URLComponents(string: url), ["postgres", "postgresql"].contains(components.scheme ?? ""),
            let host = components.host, let user = components.user
        else {
            throw StoreError.badDatabaseURL(url.replacingOccurrences(of: #":[^:@/]*@"#, with: ":***@", options: .regularExpression))
        }
        let database = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : nil
        let sslmode = components.queryItems?.first { $0.name == "sslmode" }?.value ?? "disable"
        let tls: PostgresClient.Configuration.TLS =
            switch sslmode {
            case "require", "verify-full": .require(.makeClientConfiguration())
            case "prefer": .prefer(.makeClientConfiguration())
            default: .disable
            }
        var configuration = PostgresClient.Configuration(
            host: host, port: components.port ?? 5432, username: user,
            password: components.password?.removingPercentEncoding, database: database?.isEmpty == false ? database : nil, tls: tls)
        configuration.options.maximumConnections = maximumConnections
        return configuration
    }
}

/// Failures of the storage layer that are not a user's bad input.
public enum StoreError: Error, CustomStringConvertible {
    case badDatabaseURL(String)
    case migration(String)

    public var description: String {
        switch self {
        case .badDatabaseURL(let url): "DATABASE_URL '\(url)' is not a postgres://user:password@host:port/database URL"
        case .migration(let message): message
        }
    }
}
