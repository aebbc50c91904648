#include "app/cli.hpp"

int main(int argc, char** argv) {
    return zakupai::app::Main(argc, argv);
}
