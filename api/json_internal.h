// Helpers shared by the codec's .cc files (decode, encode, canonical). Internal to kuscia::api.
//
//   std::size_t cursor = 0;
//   const auto* v = internal::FindMember(obj, "job_id", cursor);   // O(1) when keys are in order
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>

#include <nlohmann/json.hpp>

namespace kuscia::api::internal {

using OrderedObject = nlohmann::ordered_json::object_t;
using OrderedMembers = OrderedObject::Container;

// Finds `key` in an object. `cursor` remembers where the previous match was, so walking the fields in
// declaration order over a canonical (declaration-ordered) object costs one comparison per field.
inline const nlohmann::ordered_json* FindMember(const nlohmann::ordered_json& obj, std::string_view key,
                                                std::size_t& cursor) {
  const auto& members = static_cast<const OrderedMembers&>(obj.get_ref<const OrderedObject&>());
  if (cursor < members.size() && members[cursor].first == key) return &members[cursor++].second;
  for (std::size_t i = 0; i < members.size(); ++i) {
    if (members[i].first == key) {
      cursor = i + 1;
      return &members[i].second;
    }
  }
  return nullptr;
}

inline nlohmann::ordered_json* FindMutableMember(nlohmann::ordered_json& obj, std::string_view key) {
  auto& members = static_cast<OrderedMembers&>(obj.get_ref<OrderedObject&>());
  for (auto& member : members) {
    if (member.first == key) return &member.second;
  }
  return nullptr;
}

// Appends without the duplicate scan of ordered_map::emplace; the caller guarantees the key is new.
inline void AppendMember(nlohmann::ordered_json& obj, const std::string& key, nlohmann::ordered_json value) {
  static_cast<OrderedMembers&>(obj.get_ref<OrderedObject&>()).emplace_back(key, std::move(value));
}

// The slot for `key`, created as null when missing.
inline nlohmann::ordered_json& MemberSlot(nlohmann::ordered_json& obj, const std::string& key) {
  if (nlohmann::ordered_json* found = FindMutableMember(obj, key)) return *found;
  auto& members = static_cast<OrderedMembers&>(obj.get_ref<OrderedObject&>());
  members.emplace_back(key, nullptr);
  return members.back().second;
}

}  // namespace kuscia::api::internal
