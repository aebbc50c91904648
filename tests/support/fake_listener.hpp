#pragma once
// The accept loop the test doubles (tests/fake_*) share: bind 127.0.0.1 (port 0 picks a free
// one), publish the bound port in a file (written whole, then renamed, so a test never reads half
// a number), then serve every connection on its own thread until killed.
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <string>
#include <thread>

namespace zakupai::test {

template <class Serve>
[[noreturn]] void ListenForever(int port, const std::string& port_file, const std::string& name, Serve serve) {
    namespace asio = boost::asio;
    using tcp = asio::ip::tcp;
    asio::io_context io;
    tcp::acceptor acceptor(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port)));
    const int bound = acceptor.local_endpoint().port();
    if (!port_file.empty()) {
        const std::string tmp = port_file + ".tmp";
        std::ofstream(tmp) << bound << "\n";
        std::rename(tmp.c_str(), port_file.c_str());
    }
    std::cout << name << " on http://127.0.0.1:" << bound << std::endl;
    for (;;) {
        tcp::socket socket(io);
        acceptor.accept(socket);
        std::thread([serve, s = std::move(socket)]() mutable { serve(std::move(s)); }).detach();
    }
}

// Keep-alive HTTP/1.1 on one connection: each request answered by `handle` until the client
// closes (for fakes with no transport-level faults of their own).
template <class Handle>
void ServeRequests(boost::asio::ip::tcp::socket socket, Handle handle) {
    namespace http = boost::beast::http;
    boost::beast::flat_buffer buffer;
    boost::system::error_code ec;
    for (;;) {
        http::request<http::string_body> req;
        http::read(socket, buffer, req, ec);
        if (ec) {
            return;
        }
        http::response<http::string_body> res = handle(req);
        res.keep_alive(req.keep_alive());
        http::write(socket, res, ec);
        if (ec || !req.keep_alive()) {
            socket.shutdown(boost::asio::ip::tcp::socket::shutdown_send, ec);
            return;
        }
    }
}

}  // namespace zakupai::test
