#include "core/json.h"

#include <fcntl.h>
#include <stdio.h>  // renameat2
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

namespace shardlab {
namespace {

// nlohmann's message is "[json.exception.parse_error.101] parse error at line 1, column 5:
// syntax error while parsing object - ..."; keep the part after the position.
std::string ParserExplanation(const std::string& what) {
  const size_t colon = what.find(": ", what.find("column"));
  return colon == std::string::npos ? what : what.substr(colon + 2);
}

}  // namespace

StatusOr<Json> ParseJsonText(const std::string& text, const std::string& origin) {
  // JSON lets a key appear twice and the last one silently wins; a scenario that says
  // "vnodes" twice is a mistake, so duplicates are reported like any bad input.
  std::vector<std::vector<std::string>> keys_per_object;
  std::vector<std::string> duplicates;
  const Json::parser_callback_t track_keys = [&](int /*depth*/, Json::parse_event_t event, Json& parsed) {
    if (event == Json::parse_event_t::object_start) {
      keys_per_object.emplace_back();
    } else if (event == Json::parse_event_t::object_end && !keys_per_object.empty()) {
      keys_per_object.pop_back();
    } else if (event == Json::parse_event_t::key && !keys_per_object.empty()) {
      auto& seen = keys_per_object.back();
      const std::string key = parsed.get<std::string>();
      if (std::find(seen.begin(), seen.end(), key) != seen.end()) {
        duplicates.push_back(key);
      } else {
        seen.push_back(key);
      }
    }
    return true;
  };
  try {
    Json json = Json::parse(text, track_keys, /*allow_exceptions=*/true, /*ignore_comments=*/true);
    if (!duplicates.empty()) {
      std::string message;
      for (const std::string& key : duplicates) {
        if (!message.empty()) message += "\n";
        message += origin + ": key \"" + key + "\" appears twice in one object; JSON keeps only the last, so say it once";
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
                           std::to_string(column) + ": " + ParserExplanation(e.what()));
  }
}

StatusOr<Json> ReadJsonFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::Invalid("cannot read " + path + ": " + std::strerror(errno));
  std::stringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) return Status::Invalid("cannot read " + path + ": " + std::strerror(errno));
  return ParseJsonText(buffer.str(), path);
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
  std::string text = value.dump();
  if (text.size() > 60) text = text.substr(0, 57) + "...";
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
