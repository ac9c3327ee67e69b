import Foundation
import PostgresNIO

/// Login sessions, found by the SHA-256 of their bearer token; the token itself is never stored.
public enum SessionStore {
    public static func insert(_ tx: Tx, userId: Int64, tokenHash: [UInt8], expiresAt: Date) async throws {
        try await tx.query(
            "INSERT INTO sessions (tenant_id, user_id, token_hash, expires_at) VALUES (\(tx.tenant), \(userId), \(ByteBuffer(bytes: tokenHash)), \(expiresAt))")
    }

    /// The user of a live session (not expired, not revoked).
    public static func liveUser(_ tx: Tx, tokenHash: [UInt8]) async throws -> Int64? {
        let rows = try await tx.query(
            """
            SELECT s.user_id FROM sessions s
            JOIN users u ON u.tenant_id = s.tenant_id AND u.id = s.user_id AND u.status = 'active'
            WHERE s.tenant_id = \(tx.tenant) AND s.token_hash = \(ByteBuffer(bytes: tokenHash)) AND s.revoked_at IS NULL AND s.expires_at > now()
            """)
        for try await id in rows.decode(Int64.self) { return id }
        return nil
    }

    public static func revoke(_ tx: Tx, tokenHash: [UInt8]) async throws {
        try await tx.query(
            "UPDATE sessions SET revoked_at = now() WHERE tenant_id = \(tx.tenant) AND token_hash = \(ByteBuffer(bytes: tokenHash)) AND revoked_at IS NULL")
    }

    public static func revokeAll(_ tx: Tx, userId: Int64) async throws {
        try await tx.query(
            "UPDATE sessions SET revoked_at = now() WHERE tenant_id = \(tx.tenant) AND user_id = \(userId) AND revoked_at IS NULL")
    }
}
