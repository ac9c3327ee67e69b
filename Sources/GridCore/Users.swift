import Foundation

/// Rules for user accounts that hold wherever a user is made.
public enum Users {
    public static let minPasswordLength = 10

    /// nil when `login` is acceptable: 2–64 lower-case letters, digits, '.', '_' or '-'.
    public static func loginProblem(_ login: String) -> Text? {
        login.range(of: "^[a-z0-9][a-z0-9._-]{1,63}$", options: .regularExpression) == nil
            ? Text(zh: "登录名“\(login)”应为 2–64 个小写字母、数字或 . _ -", en: "login '\(login)' must be 2–64 lower-case letters, digits, '.', '_' or '-'")
            : nil
    }

    public static func passwordProblem(_ password: String) -> Text? {
        password.count < minPasswordLength || password.count > 72
            ? Text(zh: "密码长度应为 \(minPasswordLength)–72 个字符", en: "a password must be \(minPasswordLength)–72 characters long")
            : nil
    }
}
