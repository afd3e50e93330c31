#include "mock_server/engine_watch_source.h"

#include <mutex>
#include <vector>

namespace kuscia::mock {
namespace {

http::WatchEvent ToWatchEvent(const engine::JobEvent& event) {
  return http::WatchEvent{static_cast<int>(event.type), *event.job_status};
}

// Changes that arrive before the initial burst has been handed over wait here, in order.
struct OrderedDelivery {
  std::mutex mutex;
  bool initial_delivered = false;
  std::vector<engine::JobEvent> early;
  std::function<void(const http::WatchEvent&)> on_event;
};

}  // namespace

std::shared_ptr<void> EngineWatchSource::Subscribe(std::function<void(const http::WatchEvent&)> on_event) {
  auto delivery = std::make_shared<OrderedDelivery>();
  delivery->on_event = std::move(on_event);
  engine::Subscription subscription = engine_.Subscribe([delivery](const engine::JobEvent& event) {
    std::lock_guard<std::mutex> lock(delivery->mutex);
    if (!delivery->initial_delivered) {
      delivery->early.push_back(event);
      return;
    }
    delivery->on_event(ToWatchEvent(event));
  });
  {
    std::lock_guard<std::mutex> lock(delivery->mutex);
    for (const engine::JobEvent& event : subscription.initial) delivery->on_event(ToWatchEvent(event));
    for (const engine::JobEvent& event : delivery->early) delivery->on_event(ToWatchEvent(event));
    delivery->early.clear();
    delivery->initial_delivered = true;
  }
  engine::Engine* engine = &engine_;
  uint64_t id = subscription.id;
  // Releasing the handle unsubscribes; the engine guarantees no call after Unsubscribe returns.
  return std::shared_ptr<void>(nullptr, [engine, id](void*) { engine->Unsubscribe(id); });
}

}  // namespace kuscia::mock
