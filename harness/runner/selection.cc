#include "harness/runner/selection.h"

#include <fnmatch.h>

#include <algorithm>
#include <cctype>

namespace kuscia::harness::runner {

struct TagExpression::Node {
  enum class Kind { kTag, kNot, kAnd, kOr } kind = Kind::kTag;
  std::string tag;
  std::shared_ptr<const Node> left, right;

  bool Eval(const std::vector<std::string>& tags) const {
    switch (kind) {
      case Kind::kTag: return std::find(tags.begin(), tags.end(), tag) != tags.end();
      case Kind::kNot: return !left->Eval(tags);
      case Kind::kAnd: return left->Eval(tags) && right->Eval(tags);
      case Kind::kOr: return left->Eval(tags) || right->Eval(tags);
    }
    return false;
  }
};

namespace {

using NodePtr = std::shared_ptr<const TagExpression::Node>;
using Kind = TagExpression::Node::Kind;

class Parser {
 public:
  explicit Parser(std::string_view text) : text_(text) {}

  Result<NodePtr> ParseAll() {
    KC_ASSIGN_OR_RETURN(NodePtr node, ParseOr());
    SkipSpace();
    if (pos_ != text_.size()) return Error("unexpected '" + std::string(1, text_[pos_]) + "'");
    return node;
  }

 private:
  Status Error(const std::string& what) const {
    return InvalidArgument("--tags '" + std::string(text_) + "': " + what + " at position " + std::to_string(pos_ + 1) +
                           "; write tags joined by ',' (or), '&' (and), '!' (not), with parentheses");
  }
  void SkipSpace() {
    while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_]))) ++pos_;
  }
  bool Eat(char c) {
    SkipSpace();
    if (pos_ < text_.size() && text_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }
  Result<NodePtr> ParseOr() {
    KC_ASSIGN_OR_RETURN(NodePtr left, ParseAnd());
    while (Eat(',') || Eat('|')) {
      KC_ASSIGN_OR_RETURN(NodePtr right, ParseAnd());
      left = std::make_shared<TagExpression::Node>(TagExpression::Node{Kind::kOr, "", left, right});
    }
    return left;
  }
  Result<NodePtr> ParseAnd() {
    KC_ASSIGN_OR_RETURN(NodePtr left, ParseUnary());
    while (Eat('&')) {
      KC_ASSIGN_OR_RETURN(NodePtr right, ParseUnary());
      left = std::make_shared<TagExpression::Node>(TagExpression::Node{Kind::kAnd, "", left, right});
    }
    return left;
  }
  Result<NodePtr> ParseUnary() {
    if (Eat('!')) {
      KC_ASSIGN_OR_RETURN(NodePtr inner, ParseUnary());
      return NodePtr(std::make_shared<TagExpression::Node>(TagExpression::Node{Kind::kNot, "", inner, nullptr}));
    }
    if (Eat('(')) {
      KC_ASSIGN_OR_RETURN(NodePtr inner, ParseOr());
      if (!Eat(')')) return Error("missing ')'");
      return inner;
    }
    SkipSpace();
    size_t start = pos_;
    while (pos_ < text_.size() && (std::isalnum(static_cast<unsigned char>(text_[pos_])) || text_[pos_] == '-' ||
                                   text_[pos_] == '_' || text_[pos_] == '.')) {
      ++pos_;
    }
    if (start == pos_) return Error("expected a tag");
    return NodePtr(std::make_shared<TagExpression::Node>(
        TagExpression::Node{Kind::kTag, std::string(text_.substr(start, pos_ - start)), nullptr, nullptr}));
  }

  std::string_view text_;
  size_t pos_ = 0;
};

}  // namespace

Result<TagExpression> TagExpression::Parse(std::string_view text) {
  TagExpression e;
  if (text.find_first_not_of(" \t") == std::string_view::npos) return e;
  Parser parser(text);
  KC_ASSIGN_OR_RETURN(e.root_, parser.ParseAll());
  return e;
}

bool TagExpression::Matches(const std::vector<std::string>& tags) const { return !root_ || root_->Eval(tags); }

bool GlobMatches(const std::string& pattern, const std::string& name) {
  return pattern.empty() || fnmatch(pattern.c_str(), name.c_str(), 0) == 0;
}

}  // namespace kuscia::harness::runner
