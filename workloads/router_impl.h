#pragma once
// The concrete routers behind MakeRouter. Each New*Router assumes MakeRouter has
// already validated its arguments (shards >= 1, boundaries strictly increasing, ...).
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "workloads/key_hash.h"
#include "workloads/router.h"

namespace shardlab {

std::unique_ptr<Router> NewModRouter(uint32_t shards);
// Ring and rendezvous are built over shard identities (`members`); Route returns one.
std::unique_ptr<Router> NewRingRouter(const std::vector<uint32_t>& members, uint32_t vnodes, HashKind point_hash);
std::unique_ptr<Router> NewJumpRouter(uint32_t shards);
std::unique_ptr<Router> NewRendezvousRouter(const std::vector<uint32_t>& members);
// Routes with `inner` (over members.size() buckets) and returns members[bucket].
std::unique_ptr<Router> NewMemberIndexRouter(std::unique_ptr<Router> inner, std::vector<uint32_t> members);

std::unique_ptr<Router> NewNumericRangeRouter(std::vector<int64_t> boundaries);
std::unique_ptr<Router> NewStringRangeRouter(std::vector<std::string> boundaries);
std::unique_ptr<Router> NewDirectoryRouter(
    const std::map<std::string, uint32_t, std::less<>>& directory, uint32_t shards);

// The routing key as a numeric range router reads it: an optional '-' and decimal
// digits, all of the text, within int64. Anything else (empty, "+5", " 5", "5x", out of
// range) is nullopt. Exposed so callers can reject such keys up front.
std::optional<int64_t> ParseNumericRouteKey(std::string_view key);

}  // namespace shardlab
