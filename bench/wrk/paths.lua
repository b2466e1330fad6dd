-- GET a random path from a file (one per line) on every request, so each
-- request looks up a different record instead of one cached row.
-- Arguments: the file of paths.

local paths = {}

function init(args)
   for line in io.lines(args[1]) do
      if line ~= "" then
         table.insert(paths, line)
      end
   end
   assert(#paths > 0, "no paths in " .. args[1])
   seed_random()
end

function request()
   return format("GET", paths[math.random(#paths)])
end

function response(status, headers, body)
   count("status_" .. status)
end
