import Foundation

/// Rules for user accounts that hold wherever a user is made.
public enum Users {
    /// bcrypt reads at most 72 bytes of a password: a longer one would count only in part.
    public static let maxPasswordBytes = 72
    public static let minPasswordBytes = 8

    /// nil when `login` is acceptable: 2–64 lower-case letters, digits, '.', '_' or '-'.
    public static func loginProblem(_ login: String) -> Text? {
        login.range(of: "^[a-z0-9][a-z0-9._-]{1,63}$", options: .regularExpression) == nil
            ? Text(zh: "登录名“\(login)”应为 2–64 个小写字母、数字或 . _ -", en: "login '\(login)' must be 2–64 lower-case letters, digits, '.', '_' or '-'")
            : nil
    }

    /// nil when `password` is acceptable: 8–72 bytes of UTF-8 and no NUL, so that bcrypt, which reads
    /// 72 bytes at most and stops at a NUL, checks every byte of it.
    public static func passwordProblem(_ password: String) -> Text? {
        let bytes = Array(password.utf8)
        if let nul = bytes.firstIndex(of: 0) {
            return Text(
                zh: "密码不能包含 NUL 字符（在第 \(nul + 1) 字节）：其后的部分不会被校验",
                en: "a password must not contain a NUL character (found at byte \(nul + 1)): nothing after it would be checked")
        }
        guard (minPasswordBytes...maxPasswordBytes).contains(bytes.count) else {
            return Text(
                zh: "密码应为 \(minPasswordBytes)–\(maxPasswordBytes) 字节（UTF-8，一个汉字占 3 字节），实际为 \(bytes.count) 字节",
                en: "a password is \(minPasswordBytes)–\(maxPasswordBytes) bytes of UTF-8 (a Chinese character takes 3), got \(bytes.count) bytes")
        }
        return nil
    }
}
