// Adapts the engine's subscription to the router's WatchSource, keeping the order a watch client must see:
// the initial ADDED burst first, then every change — even a change that lands while the burst is written.
#pragma once

#include "mock_server/engine/engine.h"
#include "mock_server/http/kuscia_router.h"

namespace kuscia::mock {

class EngineWatchSource final : public http::WatchSource {
 public:
  explicit EngineWatchSource(engine::Engine& engine) : engine_(engine) {}
  std::shared_ptr<void> Subscribe(std::function<void(const http::WatchEvent&)> on_event) override;

 private:
  engine::Engine& engine_;
};

}  // namespace kuscia::mock
