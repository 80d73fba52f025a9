package dev.switchboard.device.event;

import static dev.switchboard.device.esp.EspErr.ESP_OK;
import static dev.switchboard.device.event.EventLoop.ESP_EVENT_ANY_ID;

import java.util.ArrayList;
import java.util.List;

/**
 * A loop's handlers, kept as ESP-IDF's {@code esp_event.c} keeps them, so that they run in the same
 * order: a list of loop nodes, each with its loop-level handlers (any base, any id) and its base
 * nodes; a base node has its base-level handlers (that base, any id) and its id nodes. An event
 * runs, node by node, the loop-level handlers, then for each base node of its base the base-level
 * handlers and those of its id. A loop-level handler registered once base-level ones exist starts a
 * new loop node, and a base-level one registered after id-level ones of its base a new base node,
 * so that, by and large, handlers run in the order they were registered.
 */
final class HandlerTree {
  private static final class IdNode {
    final int id;
    final List<EventHandlerInstance> handlers = new ArrayList<>();

    IdNode(int id) {
      this.id = id;
    }
  }

  private static final class BaseNode {
    final EventBase base;
    final List<EventHandlerInstance> handlers = new ArrayList<>();
    final List<IdNode> idNodes = new ArrayList<>();

    BaseNode(EventBase base) {
      this.base = base;
    }

    boolean isEmpty() {
      return handlers.isEmpty() && idNodes.isEmpty();
    }
  }

  private static final class LoopNode {
    final List<EventHandlerInstance> handlers = new ArrayList<>();
    final List<BaseNode> baseNodes = new ArrayList<>();
  }

  private final List<LoopNode> loopNodes = new ArrayList<>();

  /**
   * Adds a registration. A legacy one (not an instance) of a handler already registered for the
   * same event is not added twice (ESP-IDF overwrites its argument; a Java handler carries its
   * own).
   */
  synchronized int add(EventHandlerInstance h, boolean legacy) {
    boolean loopLevel = h.base == EventBase.ANY && h.id == ESP_EVENT_ANY_ID;
    LoopNode last = loopNodes.isEmpty() ? null : loopNodes.get(loopNodes.size() - 1);
    if (last == null || (!last.baseNodes.isEmpty() && loopLevel)) {
      last = new LoopNode();
      loopNodes.add(last);
    }
    if (loopLevel) {
      addTo(last.handlers, h, legacy);
      return ESP_OK;
    }
    BaseNode baseNode = null;
    BaseNode lastBase = null;
    for (BaseNode b : last.baseNodes) {
      if (b.base.equals(h.base)) {
        baseNode = b;
      }
      lastBase = b;
    }
    boolean anyId = h.id == ESP_EVENT_ANY_ID;
    if (lastBase == null
        || baseNode == null
        || (!baseNode.idNodes.isEmpty() && anyId)
        || (!lastBase.base.equals(h.base) && !lastBase.idNodes.isEmpty() && anyId)) {
      baseNode = new BaseNode(h.base);
      last.baseNodes.add(baseNode);
    }
    if (anyId) {
      addTo(baseNode.handlers, h, legacy);
      return ESP_OK;
    }
    IdNode idNode = null;
    for (IdNode n : baseNode.idNodes) {
      if (n.id == h.id) {
        idNode = n;
      }
    }
    if (idNode == null) {
      idNode = new IdNode(h.id);
      baseNode.idNodes.add(idNode);
    }
    addTo(idNode.handlers, h, legacy);
    return ESP_OK;
  }

  private static void addTo(
      List<EventHandlerInstance> list, EventHandlerInstance h, boolean legacy) {
    if (legacy) {
      for (EventHandlerInstance it : list) {
        if (it.legacy && it.handler == h.handler) {
          return;
        }
      }
    }
    h.legacy = legacy;
    list.add(h);
  }

  /**
   * Removes the first registration at exactly this base and id that matches: the same handler
   * registered the legacy way, or this instance.
   */
  synchronized void remove(
      EventBase base, int id, EventHandler handler, EventHandlerInstance inst) {
    for (LoopNode loop : List.copyOf(loopNodes)) {
      if (base == EventBase.ANY && id == ESP_EVENT_ANY_ID) {
        if (removeFrom(loop.handlers, handler, inst)) {
          pruneLoop(loop);
          return;
        }
        continue;
      }
      for (BaseNode b : List.copyOf(loop.baseNodes)) {
        if (!b.base.equals(base)) {
          continue;
        }
        boolean removed = false;
        if (id == ESP_EVENT_ANY_ID) {
          removed = removeFrom(b.handlers, handler, inst);
        } else {
          for (IdNode n : List.copyOf(b.idNodes)) {
            if (n.id == id && removeFrom(n.handlers, handler, inst)) {
              if (n.handlers.isEmpty()) {
                b.idNodes.remove(n);
              }
              removed = true;
              break;
            }
          }
        }
        if (removed) {
          if (b.isEmpty()) {
            loop.baseNodes.remove(b);
          }
          pruneLoop(loop);
          return;
        }
      }
    }
  }

  private void pruneLoop(LoopNode loop) {
    if (loop.handlers.isEmpty() && loop.baseNodes.isEmpty()) {
      loopNodes.remove(loop);
    }
  }

  private static boolean removeFrom(
      List<EventHandlerInstance> list, EventHandler handler, EventHandlerInstance inst) {
    for (EventHandlerInstance it : list) {
      if (inst != null ? it == inst : it.legacy && it.handler == handler) {
        list.remove(it);
        it.removed = true;
        return true;
      }
    }
    return false;
  }

  /** The registrations an event runs, in order. */
  synchronized List<EventHandlerInstance> matching(EventBase base, int id) {
    List<EventHandlerInstance> out = new ArrayList<>();
    for (LoopNode loop : loopNodes) {
      out.addAll(loop.handlers);
      for (BaseNode b : loop.baseNodes) {
        if (b.base.equals(base)) {
          out.addAll(b.handlers);
          for (IdNode n : b.idNodes) {
            if (n.id == id) {
              out.addAll(n.handlers);
              break;
            }
          }
        }
      }
    }
    return out;
  }

  synchronized void clear() {
    for (EventHandlerInstance h : matchingAll()) {
      h.removed = true;
    }
    loopNodes.clear();
  }

  private List<EventHandlerInstance> matchingAll() {
    List<EventHandlerInstance> out = new ArrayList<>();
    for (LoopNode loop : loopNodes) {
      out.addAll(loop.handlers);
      for (BaseNode b : loop.baseNodes) {
        out.addAll(b.handlers);
        b.idNodes.forEach(n -> out.addAll(n.handlers));
      }
    }
    return out;
  }
}
