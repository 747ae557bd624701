// LibTorch's CMake package passes USE_C10D_GLOO (torch_cpu's interface definitions) when it was
// built with Gloo, as Debian's and PyTorch's Linux builds are; ProcessGroupGloo.hpp declares
// nothing without it.
#ifndef USE_C10D_GLOO
#error "this LibTorch was built without Gloo (USE_C10D_GLOO), which data-parallel training needs"
#endif
#include "core/training/c10d_group.h"

#include <netdb.h>
#include <sys/socket.h>
#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <torch/csrc/distributed/c10d/FileStore.hpp>
#include <torch/csrc/distributed/c10d/PrefixStore.hpp>
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>

#include "core/model/device.h"
#ifdef LATENTLAB_WITH_NCCL  // set by core/training/CMakeLists.txt for a LibTorch with NCCL
#define USE_C10D_NCCL
#include <torch/csrc/distributed/c10d/ProcessGroupNCCL.hpp>
#endif

namespace latentlab {
namespace {

struct Address {
  std::string host;
  uint16_t port = 0;
};

// "HOST:PORT" or "[IPv6]:PORT".
Address parse_master(const std::string& text) {
  const auto colon = text.rfind(':');
  const std::string port = colon == std::string::npos ? "" : text.substr(colon + 1);
  Address a;
  a.host = colon == std::string::npos ? "" : text.substr(0, colon);
  if (a.host.size() > 2 && a.host.front() == '[' && a.host.back() == ']')
    a.host = a.host.substr(1, a.host.size() - 2);
  char* end = nullptr;
  const long number = port.empty() ? 0 : std::strtol(port.c_str(), &end, 10);
  if (a.host.empty() || port.empty() || *end != '\0' || number < 1 || number > 65535)
    throw InputError("--master '" + text + "' is not HOST:PORT, e.g. 10.0.0.1:29500");
  a.port = uint16_t(number);
  return a;
}

// The address by which the other hosts reach this one: the source address of this host's route
// to the master (connecting a UDP socket picks the route and sends nothing). Gloo listens there.
// Resolving the host name instead fails on the many Debian hosts that map it to 127.0.1.1.
std::string local_address_towards(const Address& master) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_DGRAM;
  addrinfo* found = nullptr;
  if (getaddrinfo(master.host.c_str(), std::to_string(master.port).c_str(), &hints, &found) != 0 ||
      !found)
    throw DistributedError("cannot resolve the master host '" + master.host + "'");
  std::unique_ptr<addrinfo, decltype(&freeaddrinfo)> owner(found, freeaddrinfo);
  const int fd = socket(found->ai_family, SOCK_DGRAM, 0);
  sockaddr_storage local{};
  socklen_t length = sizeof local;
  const bool ok = fd >= 0 && connect(fd, found->ai_addr, found->ai_addrlen) == 0 &&
                  getsockname(fd, reinterpret_cast<sockaddr*>(&local), &length) == 0;
  if (fd >= 0) close(fd);
  char name[NI_MAXHOST];
  if (!ok || getnameinfo(reinterpret_cast<sockaddr*>(&local), length, name, sizeof name, nullptr, 0,
                         NI_NUMERICHOST) != 0)
    throw DistributedError("no network route from this host to the master " + master.host);
  return name;
}

std::shared_ptr<::gloo::transport::Device> gloo_device(const GroupOptions& o) {
  // PyTorch's variable for hosts with several interfaces, where the route is not the one to use.
  if (const char* name = std::getenv("GLOO_SOCKET_IFNAME"); name && *name)
    return c10d::ProcessGroupGloo::createDeviceForInterface(name);
  if (!o.master.empty())
    return c10d::ProcessGroupGloo::createDeviceForHostname(
        local_address_towards(parse_master(o.master)));
  return c10d::ProcessGroupGloo::createDeviceForHostname("127.0.0.1");  // one host
}

c10::intrusive_ptr<c10d::Store> make_store(const GroupOptions& o) {
  if (!o.store_file.empty())
    return c10::make_intrusive<c10d::FileStore>(o.store_file, o.world_size);
  const Address master = parse_master(o.master);
  c10d::TCPStoreOptions t;
  t.port = master.port;
  t.isServer = o.rank == 0;
  t.numWorkers = size_t(o.world_size);
  t.waitWorkers = true;  // the rendezvous: every rank waits here for all the others
  t.timeout = o.timeout;
  return c10::make_intrusive<c10d::TCPStore>(master.host, t);
}

void make_process_group(const GroupOptions& o, Communicator::Impl& impl) {
  // Gloo's and NCCL's keys under their own prefix, apart from ours (share/, census/).
  const auto store = c10::make_intrusive<c10d::PrefixStore>("pg", impl.store);
  if (impl.device.is_cuda()) {
#ifdef LATENTLAB_WITH_NCCL
    auto options = c10d::ProcessGroupNCCL::Options::create();
    options->timeout = o.timeout;
    impl.group = c10::make_intrusive<c10d::ProcessGroupNCCL>(store, o.rank, o.world_size, options);
    impl.backend = "nccl";
    return;
#else
    throw InputError("training on " + device_name(impl.device) +
                     " with several processes needs a LibTorch with NCCL; this build has Gloo "
                     "only: use --device cpu");
#endif
  }
  auto options = c10d::ProcessGroupGloo::Options::create(o.timeout);
  options->devices.push_back(gloo_device(o));
  impl.group = c10::make_intrusive<c10d::ProcessGroupGloo>(store, o.rank, o.world_size, options);
  impl.backend = "gloo";
}

}  // namespace

std::unique_ptr<Communicator::Impl> make_c10d_group(const GroupOptions& o) {
  if (o.world_size < 2) throw InputError("a group needs at least 2 processes");
  if (o.rank < 0 || o.rank >= o.world_size)
    throw InputError("rank " + std::to_string(o.rank) + " is not in 0.." +
                     std::to_string(o.world_size - 1));
  if (o.master.empty() == o.store_file.empty())
    throw InputError("the processes of a group meet at a master HOST:PORT or through a store file");
  const std::string where = "rank " + std::to_string(o.rank) + " of " +
                            std::to_string(o.world_size) + " could not join the group at " +
                            (o.master.empty() ? o.store_file : o.master);
  // TCPStore and Gloo write to their sockets without MSG_NOSIGNAL (PyTorch's Python ignores
  // SIGPIPE for them): a peer that dies while this rank writes to it would kill this rank by
  // SIGPIPE, silently, instead of failing the write so that it names the peer and keeps its
  // checkpoint (seen once in CI: DistributedCliTest.KillingARank..., rank 0 gone without a word).
  std::signal(SIGPIPE, SIG_IGN);
  auto impl = std::make_unique<Communicator::Impl>();
  impl->device = resolve_device(o.device);
  try {
    impl->store = make_store(o);
    impl->store->setTimeout(o.timeout);
    make_process_group(o, *impl);
  } catch (const Error&) {
    throw;
  } catch (const c10::Error& e) {
    throw DistributedError(where + ": " + e.what_without_backtrace());
  } catch (const std::exception& e) {
    throw DistributedError(where + ": " + e.what());
  }
  const std::string owner = o.master.empty() ? "" : "rank 0 (the store at " + o.master + ")";
  impl->census = std::make_unique<FailureCensus>(impl->store, o.rank, o.world_size, owner);
  return impl;
}

}  // namespace latentlab
