#include "core/json.h"

#include <fcntl.h>
#include <stdio.h>  // renameat2
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <sstream>
#include <unordered_set>
#include <vector>

#include "core/str_format.h"

namespace shardlab {
namespace {

// nlohmann's message is "[json.exception.parse_error.101] parse error at line 1, column 5:
// syntax error while parsing object - ..."; keep the part after the position.
std::string ParserExplanation(const std::string& what) {
  const size_t colon = what.find(": ", what.find("column"));
  return colon == std::string::npos ? what : what.substr(colon + 2);
}

}  // namespace

Status CheckJsonText(std::string_view text, const std::string& origin, const JsonLimits& limits) {
  if (text.size() > limits.max_bytes) {
    return Status::Invalid(origin + ": " + std::to_string(text.size()) + " bytes; " + limits.what + " is at most " +
                           std::to_string(limits.max_bytes) + " bytes (" + std::to_string(limits.max_bytes >> 20) +
                           " MiB)");
  }
  // One pass over the bytes: strings (with escapes) and comments do not nest.
  enum class In { kCode, kString, kLineComment, kBlockComment } in = In::kCode;
  int depth = 0;
  size_t line = 1, column = 0;
  const auto where = [&] { return "line " + std::to_string(line) + ", column " + std::to_string(column); };
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\n') {
      ++line;
      column = 0;
    } else {
      ++column;
    }
    if (c == '\0') {
      return Status::Invalid(origin + ": a NUL byte at offset " + std::to_string(i) + " (" + where() +
                             "); JSON text has none, and nothing after it would be read");
    }
    switch (in) {
      case In::kString:
        if (c == '\\') {
          if (i + 1 < text.size() && text[i + 1] != '\n' && text[i + 1] != '\0') {
            ++i;
            ++column;
          }
        } else if (c == '"') {
          in = In::kCode;
        }
        break;
      case In::kLineComment:
        if (c == '\n') in = In::kCode;
        break;
      case In::kBlockComment:
        if (c == '*' && i + 1 < text.size() && text[i + 1] == '/') {
          ++i;
          ++column;
          in = In::kCode;
        }
        break;
      case In::kCode:
        if (c == '"') {
          in = In::kString;
        } else if (c == '/' && i + 1 < text.size() && (text[i + 1] == '/' || text[i + 1] == '*')) {
          in = text[i + 1] == '/' ? In::kLineComment : In::kBlockComment;
          ++i;
          ++column;
        } else if (c == '[' || c == '{') {
          if (++depth > limits.max_depth) {
            return Status::Invalid(origin + ": nesting deeper than " + std::to_string(limits.max_depth) +
                                   " levels at " + where());
          }
        } else if ((c == ']' || c == '}') && depth > 0) {
          --depth;
        }
        break;
    }
  }
  return Status::Ok();
}

StatusOr<Json> ParseJsonText(const std::string& text, const std::string& origin, const JsonLimits& limits) {
  SHARDLAB_RETURN_IF_ERROR(CheckJsonText(text, origin, limits));
  // JSON lets a key appear twice and the last one silently wins; a scenario that says
  // "vnodes" twice is a mistake, so duplicates are reported like any bad input. The path
  // of the value being parsed names the field when a number is out of range.
  struct Frame {
    bool array = false;
    size_t items = 0;  // arrays: elements begun
    std::unordered_set<std::string> keys;
    std::string key;  // the newest
  };
  std::vector<Frame> frames;
  std::vector<std::string> duplicates;
  const auto begin_value = [&] {
    if (!frames.empty() && frames.back().array) ++frames.back().items;
  };
  const Json::parser_callback_t track_keys = [&](int /*depth*/, Json::parse_event_t event, Json& parsed) {
    switch (event) {
      case Json::parse_event_t::object_start:
      case Json::parse_event_t::array_start:
        begin_value();
        frames.push_back(Frame{event == Json::parse_event_t::array_start, 0, {}, {}});
        break;
      case Json::parse_event_t::object_end:
      case Json::parse_event_t::array_end:
        if (!frames.empty()) frames.pop_back();
        break;
      case Json::parse_event_t::key:
        if (!frames.empty()) {
          Frame& f = frames.back();
          f.key = parsed.get<std::string>();
          if (!f.keys.insert(f.key).second) duplicates.push_back(f.key);
        }
        break;
      case Json::parse_event_t::value:
        begin_value();
        break;
    }
    return true;
  };
  // "expect[2].value": the value the parser was reading.
  const auto path = [&] {
    std::string out;
    for (size_t i = 0; i < frames.size(); ++i) {
      const Frame& f = frames[i];
      const bool innermost = i + 1 == frames.size();
      if (f.array) {
        // The innermost array's failing element has not begun; an outer one's has.
        out += "[" + std::to_string(innermost ? f.items : f.items - 1) + "]";
      } else if (!f.keys.empty()) {
        out += (out.empty() ? "" : ".") + f.key;
      }
    }
    return out;
  };
  try {
    Json json = Json::parse(text, track_keys, /*allow_exceptions=*/true, /*ignore_comments=*/true);
    if (!duplicates.empty()) {
      std::string message;
      for (const std::string& key : duplicates) {
        if (!message.empty()) message += "\n";
        message += origin + ": key " + Quoted(key) + " appears twice in one object; JSON keeps only the last, so say it once";
      }
      return Status::Invalid(message);
    }
    return json;
  } catch (const Json::parse_error& e) {
    // e.byte is the 1-based offset of the character where parsing failed.
    size_t line = 1, column = 1;
    const size_t end = std::min<size_t>(e.byte > 0 ? e.byte - 1 : 0, text.size());
    for (size_t i = 0; i < end; ++i) {
      if (text[i] == '\n') {
        ++line;
        column = 1;
      } else {
        ++column;
      }
    }
    return Status::Invalid(origin + ": invalid JSON at line " + std::to_string(line) + ", column " +
                           std::to_string(column) + ": " + Printable(ParserExplanation(e.what()), 200));
  } catch (const Json::out_of_range& e) {
    // 406: "number overflow parsing '1e400'" (a number no double holds).
    const std::string what = e.what();
    const size_t quote = what.find('\'');
    const std::string number = quote == std::string::npos ? what : what.substr(quote + 1, what.size() - quote - 2);
    const std::string field = path();
    return Status::Invalid(origin + ": " + (field.empty() ? "" : Printable(field, 200) + ": ") + "number " +
                           Printable(number, 40) + " is out of range (a number here is at most about 1.8e308)");
  } catch (const Json::exception& e) {
    return Status::Invalid(origin + ": invalid JSON: " + Printable(e.what(), 200));
  }
}

StatusOr<std::string> ReadRegularFile(const std::string& path, const JsonLimits& limits) {
  // Non-blocking: opening a FIFO for reading would otherwise wait for a writer.
  const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) return Status::Invalid("cannot read " + path + ": " + std::strerror(errno));
  struct stat st;
  if (::fstat(fd, &st) != 0) {
    const std::string err = std::strerror(errno);
    ::close(fd);
    return Status::Invalid("cannot read " + path + ": " + err);
  }
  if (!S_ISREG(st.st_mode)) {
    ::close(fd);
    const char* type = S_ISDIR(st.st_mode)    ? "a directory"
                       : S_ISFIFO(st.st_mode) ? "a FIFO"
                       : S_ISCHR(st.st_mode)  ? "a character device"
                       : S_ISBLK(st.st_mode)  ? "a block device"
                       : S_ISSOCK(st.st_mode) ? "a socket"
                                              : "not a file";
    return Status::Invalid(path + ": not a regular file (" + type + ")");
  }
  const auto too_large = [&](uint64_t size) {
    return Status::Invalid(path + ": " + std::to_string(size) + " bytes; " + limits.what + " is at most " +
                           std::to_string(limits.max_bytes) + " bytes (" + std::to_string(limits.max_bytes >> 20) +
                           " MiB)");
  };
  if (static_cast<uint64_t>(st.st_size) > limits.max_bytes) {
    ::close(fd);
    return too_large(static_cast<uint64_t>(st.st_size));
  }
  // Read at most one byte past the bound: the file may grow while it is read.
  std::string text(static_cast<size_t>(st.st_size) + 1, '\0');
  size_t done = 0;
  for (;;) {
    if (done == text.size()) {
      if (text.size() > limits.max_bytes) break;
      text.resize(std::min(text.size() * 2, limits.max_bytes + 1));
    }
    const ssize_t n = ::read(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const std::string err = std::strerror(errno);
      ::close(fd);
      return Status::Invalid("cannot read " + path + ": " + err);
    }
    if (n == 0) break;
    done += static_cast<size_t>(n);
  }
  ::close(fd);
  if (done > limits.max_bytes) return too_large(done);
  text.resize(done);
  return text;
}

StatusOr<Json> ReadJsonFile(const std::string& path, const JsonLimits& limits) {
  SHARDLAB_ASSIGN_OR_RETURN(std::string text, ReadRegularFile(path, limits));
  return ParseJsonText(text, path, limits);
}

Status WriteNewJsonFile(const std::string& path, const Json& json) {
  // Text read from damaged files (a corrupt shard) may not be UTF-8: replace, never throw.
  const std::string text = json.dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
  const std::string tmp = path + ".tmp." + std::to_string(getpid());
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) return Status::Runtime("cannot create " + tmp + ": " + std::strerror(errno));
  auto fail = [&](const std::string& what) {
    const std::string err = std::strerror(errno);
    ::unlink(tmp.c_str());
    return Status::Runtime(what + ": " + err);
  };
  size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      const int e = errno;
      ::close(fd);
      errno = e;
      return fail("cannot write " + tmp);
    }
    done += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0) {
    const int e = errno;
    ::close(fd);
    errno = e;
    return fail("cannot write " + tmp);
  }
  if (::close(fd) != 0) return fail("cannot write " + tmp);
  // Move into place without replacing: a file that appeared at `path` meanwhile (another
  // run's result, a user's file) stays. link(2) where renameat2's flag is not supported.
  if (::renameat2(AT_FDCWD, tmp.c_str(), AT_FDCWD, path.c_str(), RENAME_NOREPLACE) != 0) {
    if (errno == EEXIST) return fail("cannot write " + path + ": it exists already; shardlab never replaces a file");
    if (errno != EINVAL && errno != ENOSYS) return fail("cannot rename " + tmp + " to " + path);
    if (::link(tmp.c_str(), path.c_str()) != 0) {
      return fail(errno == EEXIST ? "cannot write " + path + ": it exists already; shardlab never replaces a file"
                                  : "cannot link " + tmp + " to " + path);
    }
    ::unlink(tmp.c_str());
  }
  // Make the new name itself durable.
  const size_t slash = path.rfind('/');
  const std::string dir = slash == std::string::npos ? "." : path.substr(0, slash + 1);
  const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
  return Status::Ok();
}

std::string DescribeJsonValue(const Json& value) {
  // Strings are cut before they are dumped (a 1 MiB string is not copied to show 60 bytes);
  // text that is not UTF-8 (--set values) is shown, not thrown on.
  const std::string text = value.is_string() ? Quoted(value.get_ref<const std::string&>(), 60)
                                             : Printable(value.dump(-1, ' ', false, Json::error_handler_t::replace), 60);
  const char* type = "a value";
  switch (value.type()) {
    case Json::value_t::string: type = "a string"; break;
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned: type = "an integer"; break;
    case Json::value_t::number_float: type = "a number"; break;
    case Json::value_t::boolean: type = "a boolean"; break;
    case Json::value_t::array: type = "an array"; break;
    case Json::value_t::object: type = "an object"; break;
    case Json::value_t::null: return "null";
    default: break;
  }
  return text + " (" + type + ")";
}

}  // namespace shardlab
