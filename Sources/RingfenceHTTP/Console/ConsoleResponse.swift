import Hummingbird

/// Console responses: HTML pages with the console's headers, and redirects.
enum ConsoleResponse {
    static func page(_ html: String, status: HTTPResponse.Status = .ok, cookies: [Cookie] = []) -> Response {
        var headers: HTTPFields = [.contentType: "text/html; charset=utf-8"]
        ConsoleHeaders.apply(to: &headers)
        var response = Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: html)))
        for cookie in cookies { response.setCookie(cookie) }
        return response
    }

    /// 303 See Other to `location` (after a form, or to the sign-in page).
    static func redirect(_ location: String, cookies: [Cookie] = []) -> Response {
        var headers: HTTPFields = [.location: location]
        ConsoleHeaders.apply(to: &headers)
        var response = Response(status: .seeOther, headers: headers)
        for cookie in cookies { response.setCookie(cookie) }
        return response
    }
}
