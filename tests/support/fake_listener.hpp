#pragma once
// The accept loop the test doubles (tests/fake_*) share: bind 127.0.0.1 (port 0 picks a free
// one), publish the bound port in a file (written whole, then renamed, so a test never reads half
// a number), then serve every connection on its own thread until killed.
#include <boost/asio.hpp>
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

}  // namespace zakupai::test
